"""Resident ID numbers (GB 11643-1999), checksum verified."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from nlu.rules.digits import fullwidth_to_ascii, spoken_run_to_digits

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_DIGIT = r"[0-9零〇洞一幺壹二两贰三叁四肆五伍六陆七拐柒八捌九勾玖]"
_SEP = r"[^\S\n\r]*[\-－，,、]?[^\S\n\r]*"  # 四四零幺零四，幺九六二…: said in groups (a line break ends it)
# X as it is said or heard: 叉, 艾克斯, 埃克斯, 爱克斯, 挨克斯, 克斯
SPOKEN_X = r"[艾埃爱挨]?克斯|叉"
# 17 digits then a digit or X, separators allowed.
_ID_RUN = re.compile(
    rf"{_DIGIT}(?:{_SEP}{_DIGIT}){{16}}{_SEP}(?:{_DIGIT}|[xX]|{SPOKEN_X})"
)


@dataclass(frozen=True)
class IdMatch:
    start: int
    end: int
    value: str


def checksum_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def normalise_id(raw: str) -> str:
    compact = re.sub(r"[\s\-－，,、]", "", fullwidth_to_ascii(raw))
    compact = re.sub(SPOKEN_X, "X", compact)
    return spoken_run_to_digits(compact).upper()


def birth_date(id_number: str) -> date | None:
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_problem(id_number: str, today: date | None = None) -> str | None:
    """Explain in plain Chinese what is wrong with an ID number, or None."""
    value = normalise_id(id_number)
    if len(value) != 18:
        return f"身份证号应为18位，您提供的是{len(value)}位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号前17位应是数字，最后一位是数字或X"
    born = birth_date(value)
    if born is None or born.year < 1900 or (today and born > today):
        return "身份证号中的出生日期不对"
    if checksum_char(value[:17]) != value[17]:
        return "身份证号校验不通过，可能有一位记错了"
    return None


def is_valid_id(id_number: str) -> bool:
    return id_problem(id_number) is None


def find_id_numbers(text: str) -> list[IdMatch]:
    """ID numbers with a correct checksum; invalid ones are not extracted."""
    found = []
    for match in _ID_RUN.finditer(fullwidth_to_ascii(text)):
        value = normalise_id(match.group(0))
        if is_valid_id(value):
            found.append(IdMatch(match.start(), match.end(), value))
    return found


def mask_id(id_number: str) -> str:
    return id_number[:4] + "*" * 10 + id_number[-4:] if len(id_number) == 18 else "****"


def valid_id_within(digits: str) -> str | None:
    """The one 18-character stretch of a longer run that passes the checksum (倒数第二位是九
    followed by the number runs the 九 into it), or None when none or several do."""
    valid = {digits[i:i + 18] for i in range(len(digits) - 17) if is_valid_id(digits[i:i + 18])}
    return valid.pop() if len(valid) == 1 else None
