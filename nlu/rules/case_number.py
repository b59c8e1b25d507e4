"""Case numbers as issued by the back office (SQ20261128-000123)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.rules.digits import fullwidth_to_ascii, spoken_run_to_digits

_DIGIT = "0-9零〇洞一幺二两三四五六七八九"
# Letters prefix, 8-digit date, optional dash, sequence. Residents often drop
# the dash or say the letters in lower case.
_CASE = re.compile(rf"(?<![A-Za-z])([A-Za-z]{{2}})\s*([{_DIGIT}]{{8}})\s*[-－—_ ]?\s*([{_DIGIT}]{{3,6}})")


@dataclass(frozen=True)
class CaseNumberMatch:
    start: int
    end: int
    value: str


def find_case_numbers(text: str) -> list[CaseNumberMatch]:
    found = []
    for m in _CASE.finditer(fullwidth_to_ascii(text)):
        prefix = m.group(1).upper()
        day = spoken_run_to_digits(m.group(2))
        seq = spoken_run_to_digits(m.group(3)).zfill(6)
        found.append(CaseNumberMatch(m.start(), m.end(), f"{prefix}{day}-{seq}"))
    return found
