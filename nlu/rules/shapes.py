"""Word shapes that stand in for values in the classifier's features.

An ID number or a phone in a message says *that* a value was given, not
which service is wanted; feeding its digits to the classifier lets it learn
accidents of the training data (one ID in a repair example pulls every
message with an ID towards repair). The classifier sees a shape instead.
"""
from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")


def token_shape(text: str) -> str | None:
    """A placeholder for value-like tokens, or None to keep the token."""
    digits = len(_DIGITS.findall(text))
    if digits >= 15:
        return "__idnum__"
    if digits >= 7:
        return "__phone__"
    if digits >= 3 and digits == len(text):
        return "__num__"
    return None
