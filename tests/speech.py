"""Comparing what a recogniser heard with what was said, for tests that run real
speech through a real model.

A model's exact words may differ between processors (int8 kernels) and model
versions, so tests bound the word error rate instead of asserting a transcript.
"""
from __future__ import annotations

import re


def words(text: str) -> list[str]:
    """Lower-case Latin words, or single Chinese characters: the units errors are counted in."""
    return re.findall(r"[a-z0-9']+|[\u4e00-\u9fff]", text.lower())


def word_error_rate(reference: str, heard: str) -> float:
    """(substitutions + deletions + insertions) / words said, by edit distance."""
    ref, hyp = words(reference), words(heard)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, said in enumerate(ref, 1):
        current = [i]
        for j, got in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (said != got)))
        previous = current
    return previous[-1] / len(ref)
