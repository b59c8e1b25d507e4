"""Check that the held-out sets share no near-verbatim example with data/nlu (recursively,
including generated files such as data/nlu/augmented/).

Usage: python tests/nlu_eval/check_overlap.py [--threshold 0.8]
Exits 1 if any example of a held-out set (HELD_OUT) has a difflib
SequenceMatcher ratio >= threshold against any training example (entity
markup [text](entity) is stripped from the training side first).
"""
from __future__ import annotations

import argparse
import difflib
import glob
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# The original sets, and the blind sets written later by someone who never saw the
# training data or the other sets.
HELD_OUT = ("test_set.yml", "asr_test_set.yml", "blind_set.yml", "blind_asr_set.yml",
            "blind2_set.yml", "blind2_asr_set.yml")
_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


def examples(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = _MARKUP.sub(lambda m: m.group(1) or m.group(2), line[2:].strip())
                out.append((block["intent"], text))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=0.8)
    args = parser.parse_args()
    train = []
    for f in sorted(glob.glob(str(ROOT / "data" / "nlu" / "**" / "*.yml"), recursive=True)):
        train += examples(Path(f))
    # One matcher per training example, its index built once instead of once per held-out
    # example; the cheap upper bounds of the ratio skip most pairs. Same results.
    matchers = [(t_intent, t, difflib.SequenceMatcher(None, "", t)) for t_intent, t in train]
    bad = 0
    for name in HELD_OUT:
        path = HERE / name
        if not path.exists():
            continue
        seen = set()
        for intent, text in examples(path):
            if text in seen:
                print(f"DUPLICATE in {name}: {text}")
                bad += 1
            seen.add(text)
            best, best_t, best_i = 0.0, "", ""
            for t_intent, t, matcher in matchers:
                matcher.set_seq1(text)
                # skipped when an upper bound of the ratio cannot reach the threshold or beat
                # the best so far: the pairs that decide the outcome are all measured
                floor = max(best, args.threshold)
                if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                    continue
                r = matcher.ratio()
                if r > best:
                    best, best_t, best_i = r, t, t_intent
            if best >= args.threshold:
                bad += 1
                print(f"TOO CLOSE {name} [{intent}] {text!r} ~ [{best_i}] {best_t!r} ratio={best:.2f}")
    print(f"{len(train)} training examples; {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
