"""Corrections that say only the part that was wrong, against the values already held.

At the read-back (or after filing) people rarely repeat a whole value. They say what
changes: 是601不是501, 身份证后四位是0435, 门牌是32号院, 电话尾号改成6612. Each of
these is read here against the current values and turned into the whole new value,
which then goes through the field's usual check. A correction that fits no held value,
or fits two, changes nothing (the resident is asked what to change).
"""
from __future__ import annotations

import re
from typing import Mapping

from pypinyin import lazy_pinyin

from nlu.rules.address_edit import replace_address_part
from nlu.rules.person_name import bare_name
from nlu.rules.digits import SPOKEN_DIGITS, normalise_digit_runs

# Which field a correction is about, when it says so.
_FIELD_WORDS = (
    ("id_number", re.compile(r"身份证|证件号|身份号")),
    ("phone", re.compile(r"电话|手机|号码|联系方式")),
    ("address", re.compile(r"地址|门牌|房号|楼号|单元|室|门号|住址|几楼|楼层")),
)
_DIGITS_FIELDS = ("id_number", "phone", "address")
_RUN = r"([0-9]{2,}[xX]?)"
# 是601不是501 / 601不是501 / 不是501是601 / 501改成601 / 把501改为601 / 501应该是601
_SWAPS = (
    re.compile(rf"(?:是|改成|改为|应该是)?\s*{_RUN}\s*[，,\s]*(?:而)?不是\s*{_RUN}"),      # new, old
    re.compile(rf"不是\s*{_RUN}\s*[，,\s]*(?:而)?是\s*{_RUN}"),                           # old, new
    re.compile(rf"把?\s*{_RUN}\s*(?:改成|改为|换成|应该是|应该为)\s*{_RUN}"),                 # old, new
)
_ONE_CHARS = "".join(SPOKEN_DIGITS)
# 后四位是0435 / 最后4位 0435 / 最后一位是8 / 尾号是6612 / 前六位是320106
_ENDS = re.compile(rf"(?P<side>最?后|末尾?|尾数?|最?前|开头)\s*(?P<n>[0-9一二三四五六七八九十两]{{0,2}})\s*位?(?:数字)?\s*"
                   rf"(?:号码?)?\s*(?:应该|改成|改为)?(?:是|为|:|：)?\s*([0-9]+[xX]?|[{_ONE_CHARS}](?![0-9{_ONE_CHARS}位]))")
_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _named_field(text: str) -> str | None:
    named = [field for field, words in _FIELD_WORDS if words.search(text)]
    return named[0] if len(named) == 1 else None


def _count(n: str) -> int | None:
    if not n:
        return None
    return int(n) if n.isdigit() else _SMALL.get(n)


def _swap(held: Mapping[str, str], fields: tuple[str, ...], old: str, new: str) -> dict[str, str]:
    holders = [f for f in fields if held.get(f) and str(held[f]).count(old) == 1]
    if len(holders) != 1:
        return {}
    field = holders[0]
    return {field: str(held[field]).replace(old, new)}


def _ends(held: Mapping[str, str], fields: tuple[str, ...], m: re.Match) -> dict[str, str]:
    new = m.group(3).upper()
    if new in SPOKEN_DIGITS:  # 最后一位是八: one digit said as a word, only where its place was said
        if not m.group("n"):
            return {}
        new = SPOKEN_DIGITS[new]
    size = _count(m.group("n")) or len(new)
    if size != len(new):
        return {}
    front = m.group("side") in ("前", "最前", "开头")
    holders = [f for f in fields if f in ("id_number", "phone") and held.get(f) and len(str(held[f])) > size]
    if len(holders) != 1:
        return {}
    value = str(held[holders[0]])
    return {holders[0]: new + value[size:] if front else value[:-size] + new}


# 芬是芬芳的芬: one character of a name, explained
_CHAR_FIX = re.compile(r"(?P<c>[\u4e00-\u9fff])(?:字)?(?:是|应该是|写成)(?P<w>[\u4e00-\u9fff]{1,4}?)[的嘅](?P=c)")
# 名字是草字头的芳 不是方向的方: the character meant, explained, then the one written
_CHAR_SAID = re.compile(r"(?:(?<![不没])是|应该是|写成|改成)(?P<w>[\u4e00-\u9fff]{1,5}?)[的嘅](?P<c>[\u4e00-\u9fff])"
                        r"(?=[\s，,。]*(?:不是|而不是|$))")
_NAME_CUE = re.compile(r"名字|姓名|名不对|字不对|字写错|字错了|叫")


def _sound(char: str) -> str:
    return lazy_pinyin(char)[0]


def _name_fix(text: str, name: str) -> str | None:
    """杜玉分 + 名字不对 芬是芬芳的芬 杜玉芬 → 杜玉芬: a whole name said again, else the one
    character explained put in place of the one that sounds the same."""
    if _NAME_CUE.search(text):
        segments = [re.sub(r"^(?:应该是|应该叫|是|叫|改成|改为)", "", seg)
                    for seg in re.split(r"[\s，。,.！!？?、;；]+", text)]
        alone = [seg for seg in segments
                 if len(seg) == len(name) and seg[0] == name[0] and seg != name and bare_name(seg) == seg]
        if len(alone) == 1:
            return alone[0]
    fixed = name
    for m in list(_CHAR_FIX.finditer(text)) + list(_CHAR_SAID.finditer(text)):
        char = m.group("c")
        if char in fixed:
            continue
        same = [i for i, held in enumerate(fixed) if _sound(held) == _sound(char)]
        if len(same) == 1:
            fixed = fixed[:same[0]] + char + fixed[same[0] + 1:]
    return fixed if fixed != name else None


def amendments(text: str, held: Mapping[str, str]) -> dict[str, str]:
    """Whole new values for the fields a partial correction in ``text`` changes."""
    if held.get("person_name"):
        name = _name_fix(text, str(held["person_name"]))
        if name:
            return {"person_name": name}
    said = normalise_digit_runs(text, min_len=2)  # 洞四三五 → 0435, words kept
    named = _named_field(said)
    fields = (named,) if named else _DIGITS_FIELDS
    m = _ENDS.search(said)
    if m:
        changed = _ends(held, fields, m)
        if changed:
            return changed
    for number, pattern in enumerate(_SWAPS):
        m = pattern.search(said)
        if m:
            new, old = (m.group(1), m.group(2)) if number == 0 else (m.group(2), m.group(1))
            changed = _swap(held, fields, old.upper(), new.upper())
            if changed:
                return changed
    if held.get("address") and named in (None, "address"):
        address = replace_address_part(str(held["address"]), said)
        if address and address != held["address"]:
            return {"address": address}
    return {}
