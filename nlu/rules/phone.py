"""Phone numbers as residents type or say them, normalised to digits."""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.rules.digits import digit_runs

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Landline with area code: 010-12345678, 0571 8888 6666 (3-4 digit area code,
# 7-8 digit number).
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


@dataclass(frozen=True)
class PhoneMatch:
    start: int
    end: int
    value: str


def is_valid_phone(digits: str) -> bool:
    return bool(MOBILE.match(digits) or LANDLINE.match(digits))


def phone_problem(text: str) -> str | None:
    """Explain in plain Chinese why `text` is not a phone number, or None."""
    runs = [digits for _, _, digits in digit_runs(text, min_len=5)]
    if not runs:
        return "没有听到号码"
    digits = max(runs, key=len)
    if digits.startswith("1") and len(digits) != 11:
        return f"手机号应为11位，您说的是{len(digits)}位"
    if digits.startswith("1") and not MOBILE.match(digits):
        return "手机号第二位应是3到9"
    if digits.startswith("0") and not LANDLINE.match(digits):
        return "座机号请带上区号，例如010-12345678"
    if not is_valid_phone(digits):
        return "这不像是一个电话号码"
    return None


def find_phones(text: str) -> list[PhoneMatch]:
    """All mobile and landline numbers in `text`, spoken digits included."""
    found = []
    for start, end, digits in digit_runs(text, min_len=10):
        if is_valid_phone(digits):
            found.append(PhoneMatch(start, end, digits))
    return found
