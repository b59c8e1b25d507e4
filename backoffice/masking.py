"""Masking of personal data in responses: pure functions, no I/O.

Every case leaves the service through :func:`mask_fields`; free text that is
not a known personal field still has embedded mobile and ID numbers masked.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, Mapping

MASK = "*"

# Two-character surnames, so 欧阳娜娜 becomes 欧阳** rather than 欧***.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 "
    "独孤 南宫 西门 申屠 百里 呼延 万俟 闻人 澹台 公冶 濮阳 太史 钟离 宗政 拓跋 东郭 "
    "司空 左丘 第五 赫连 耶律 完颜".split()
)

# A digit run followed by one of these names a building, unit, floor or street, not a room.
_STRUCTURAL_SUFFIX = re.compile(r"(?:号楼|号院|栋|幢|座|单元|楼|层|期|区|弄|巷|路|街|村|组|里)")
_DIGIT_RUN = re.compile(r"\d+")
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_middle(value: str, head: int, tail: int, min_masked: int) -> str:
    """Keep ``head`` and ``tail`` characters, shrinking them until ``min_masked`` are hidden."""
    n = len(value)
    while head > 0 and n - head - tail < min_masked:
        head -= 1
    while tail > 0 and n - head - tail < min_masked:
        tail -= 1
    hidden = max(0, n - head - tail)
    return value[:head] + MASK * hidden + (value[n - tail:] if tail else "")


def mask_id_number(value: Any) -> str:
    """110105199001011234 -> 110105********1234 (first 6, last 4)."""
    text = re.sub(r"\s", "", str(value)).upper()
    return mask_middle(text, head=6, tail=4, min_masked=8) if text else text


def mask_phone(value: Any) -> str:
    """13812345678 -> 138****5678; short numbers keep at most their last 4 digits."""
    digits = re.sub(r"\D", "", str(value))
    if not digits:
        return MASK * 3 if str(value).strip() else ""
    return mask_middle(digits, head=3, tail=4, min_masked=4)


def mask_name(value: Any) -> str:
    """张秀英 -> 张**, 欧阳娜娜 -> 欧阳**, 张 -> *."""
    text = str(value).strip()
    if len(text) <= 1:
        return MASK * len(text)
    keep = 2 if text[:2] in COMPOUND_SURNAMES and len(text) > 2 else 1
    return text[:keep] + MASK * (len(text) - keep)


def mask_room(value: Any) -> str:
    """502 -> 5**: the floor stays readable, the door does not."""
    text = str(value).strip()
    if len(text) <= 1:
        return MASK * len(text)
    return text[0] + MASK * (len(text) - 1)


def mask_address(value: Any) -> str:
    """3号楼2单元502 -> 3号楼2单元5**: building and unit kept, the room masked.

    The room is the last run of digits, unless a building/unit/floor/street word
    follows it (幸福路88号3号楼2单元 has no room and is returned as is).
    """
    text = str(value)
    runs = list(_DIGIT_RUN.finditer(text))
    if runs:
        last = runs[-1]
        if not _STRUCTURAL_SUFFIX.match(text, last.end()):
            text = text[: last.start()] + mask_room(last.group()) + text[last.end():]
    return scrub_text(text)


def scrub_text(value: str) -> str:
    """Mask mobile and resident-ID numbers embedded in free text."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()), value)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


_MASKERS: Dict[str, Callable[[Any], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "contact_phone": mask_phone,
    "guardian_phone": mask_phone,
    "person_name": mask_name,
    "child_name": mask_name,
    "guardian_name": mask_name,
    "contact_name": mask_name,
    "name": mask_name,
    "address": mask_address,
    "room": mask_room,
}


def mask_value(key: str, value: Any) -> Any:
    """Mask one field by its name; other strings are scrubbed, numbers and bools pass."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [mask_value(key, item) for item in value]
    masker = _MASKERS.get(key)
    if masker is None and key.endswith("_phone"):
        masker = mask_phone
    if masker is not None:
        return masker(value)
    if isinstance(value, str):
        return scrub_text(value)
    return value


def mask_fields(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """A masked copy of a case's ``fields``."""
    return {key: mask_value(key, value) for key, value in fields.items()}
