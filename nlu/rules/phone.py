"""Phone numbers as residents type or say them, normalised to digits."""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.rules.digits import digit_runs

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Landline with area code: 010-12345678, 0571 8888 6666 (3-4 digit area code,
# 7-8 digit number).
# 7-8 digit number); area codes are 010, 02x and 03xx-09xx, so 0 + a mobile is not one.
LANDLINE = re.compile(r"^0(?:10|2\d|[3-9]\d{2})\d{7,8}$")
# What may be said before a mobile number: a trunk 0, the country code (+86 138…).
_MOBILE_PREFIXES = ("0", "86", "086", "0086")


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
        if not is_valid_phone(digits) and MOBILE.match(digits[-11:]) \
                and digits[:-11] in _MOBILE_PREFIXES:
            digits = digits[-11:]
        if is_valid_phone(digits):
            found.append(PhoneMatch(start, end, digits))
    return found
