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


# Numbers other systems issue, said after the word for them (受理号2026100700218, 单号幺二三四五六).
_CUED = re.compile(rf"(?:受理号|受理编号|办件号|单号|编号|查询号|回执号|流水号|工单号|案件号)(?:码)?(?:是|为|:|：)?\s*"
                   rf"([A-Za-z]{{0,3}}[{_DIGIT}]{{5,20}})")


def find_case_numbers(text: str) -> list[CaseNumberMatch]:
    """Our own numbers in the issued form (SQ20261128-000123, also said as sq20261128 123);
    a number in another shape as said, upper case, digits normalised."""
    found = []
    ascii_text = fullwidth_to_ascii(text)
    for m in _CASE.finditer(ascii_text):
        prefix = m.group(1).upper()
        day = spoken_run_to_digits(m.group(2))
        seq = spoken_run_to_digits(m.group(3))
        contiguous = m.end(2) == m.start(3)
        if contiguous and len(seq) != 6:  # another office's numbering: PR20261203001
            found.append(CaseNumberMatch(m.start(), m.end(), f"{prefix}{day}{seq}"))
        else:
            found.append(CaseNumberMatch(m.start(), m.end(), f"{prefix}{day}-{seq.zfill(6)}"))
    for m in _CUED.finditer(ascii_text):
        if any(f.start <= m.start(1) < f.end for f in found):
            continue
        value = re.sub(r"[A-Za-z]+", lambda x: x.group(0).upper(), m.group(1))
        digits = value[: len(value) - len(value.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))] + \
            spoken_run_to_digits(value.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        if digits and digits[-1].isdigit():
            found.append(CaseNumberMatch(m.start(1), m.end(1), digits))
    return sorted(found, key=lambda f: f.start)
