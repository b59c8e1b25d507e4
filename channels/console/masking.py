"""Personal data masked for display: slots, summaries and transcript lines.

The console shows only masked values until a staff member asks to reveal one
slot (audited). The rules match the back office's: 138****5678,
110105********123X, 张**, 3号楼2单元5**.
"""
from __future__ import annotations

import re
from typing import Any, Callable

_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_LAST_DIGITS = re.compile(r"\d+(?!.*\d)")


def mask_phone(value: Any) -> str:
    digits = re.sub(r"\D", "", str(value))
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def mask_id(value: Any) -> str:
    text = str(value).upper()
    return text[:6] + "*" * 8 + text[-4:] if len(text) == 18 else "*" * len(text)


def mask_name(value: Any) -> str:
    text = str(value)
    return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else "*"


def mask_address(value: Any) -> str:
    """The room (last digit run) is hidden; building and unit stay readable."""
    return _LAST_DIGITS.sub(lambda m: m.group()[0] + "*" * (len(m.group()) - 1), scrub(str(value)))


def scrub(text: str) -> str:
    """Mobile, landline and ID numbers inside free text."""
    text = _ID.sub(lambda m: mask_id(m.group()), text)
    text = _MOBILE.sub(lambda m: mask_phone(m.group()), text)
    return _LANDLINE.sub(lambda m: mask_phone(m.group()), text)


MASKERS: dict[str, Callable[[Any], str]] = {
    "phone": mask_phone, "id_number": mask_id, "person_name": mask_name,
    "child_name": mask_name, "guardian_name": mask_name, "address": mask_address,
    "room": lambda v: "*" * len(str(v)), "description": lambda v: scrub(str(v)),
    "situation": lambda v: scrub(str(v)), "content": lambda v: scrub(str(v)),
}


def is_personal(name: str) -> bool:
    return name in MASKERS


def mask_slot(name: str, value: Any) -> Any:
    if value is None:
        return None
    masker = MASKERS.get(name)
    if masker:
        return masker(value)
    return scrub(value) if isinstance(value, str) else value


def mask_slots(slots: dict[str, Any]) -> dict[str, Any]:
    return {name: mask_slot(name, value) for name, value in slots.items()}


def mask_text(text: str, slots: dict[str, Any]) -> str:
    """Free text with every known personal slot value and every number-shaped identifier masked."""
    for name, value in slots.items():
        if name in MASKERS and isinstance(value, str) and len(value) >= 2 and value in text:
            text = text.replace(value, str(MASKERS[name](value)))
    return scrub(text)
