"""Find a residential address the way residents say it.

阳光小区三号楼二单元五零二 → building "3", unit "2", room "502", with the
text kept exactly as said for the case. Also common areas (3号楼楼道,
2单元电梯, 小区东门), since many repairs are outside the flat.

Numbers may be ASCII, full-width, Chinese numerals (十二) or read digit by
digit (五零二). A number never runs into neighbouring digits, so a phone or
ID number in the same message cannot turn into a room.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.rules.digits import chinese_numeral_to_int, fullwidth_to_ascii, spoken_run_to_digits


@dataclass(frozen=True)
class AddressMatch:
    start: int
    end: int
    text: str
    building: str | None
    unit: str | None
    room: str | None


_CN = "零〇一二两三四五六七八九十百千幺洞"
_NUM = rf"(?<![\d{_CN}])(?:\d{{1,4}}|[{_CN}]{{1,6}})(?![\d{_CN}])"
_AREA = (r"楼道|楼梯间?|电梯间?|单元门|楼门|门口|楼下|楼顶|顶楼|天台|地下室|车库|大厅"
         r"|[东南西北正后侧大]门口?|停车场|车棚|广场|健身区|垃圾站")
_CORE = re.compile(rf"""
    (?:(?P<b>{_NUM}|[A-Za-z])\s*(?P<bs>号楼|号栋|栋楼?|幢楼?|座|号(?!院)))?\s*
    (?:(?P<u>{_NUM})\s*(?P<us>单元|门(?!口)))?\s*
    (?:{_NUM}\s*[楼层](?![道梯下顶门]))?\s*
    (?:(?P<r>{_NUM})\s*(?P<rs>室|号房|号|房)?)?\s*
    (?:的?(?P<area>{_AREA}))?
""", re.VERBOSE)
_COMMUNITY_SUFFIX = r"小区|花园|花苑|家园|新村|公寓|大厦|社区|大院|苑|里|院|庄|村|城|府|湾"
_COMMUNITY_END = re.compile(rf"(?:{_COMMUNITY_SUFFIX})$")
_ROAD_END = re.compile(rf"(?:路|街|大道|巷|胡同|弄)\s*{_NUM}\s*号院?$")
_COMMON_AREA = re.compile(rf"(?P<c>{_COMMUNITY_SUFFIX})的?(?P<area>{_AREA})")
# Where a community name stops when reading backwards: punctuation, pronouns
# and the verbs that come before an address (我住在, 到, 去).
_NAME_STOP = set("，。、,.!?！？：:；;我你他她您这那哪在住是去到来的了给把从往于 \t\n")
_LEAD_FILLER = re.compile(r"^(?:家住|家里|家|住)*")


def _to_digits(raw: str | None) -> str | None:
    """ASCII digits for a said number: 十二 → 12, 五零二 → 502, 五百零二 → 502."""
    if raw is None:
        return None
    raw = fullwidth_to_ascii(raw).strip()
    if raw.isascii():
        return raw.upper()
    if any(ch in "十百千" for ch in raw):
        value = chinese_numeral_to_int(raw)
        return None if value is None else str(value)
    digits = spoken_run_to_digits(raw)
    return digits if digits.isdigit() else None


def normalise_address_parts(building: str | None = None, unit: str | None = None,
                            room: str | None = None) -> dict[str, str | None]:
    """Normalise parts filled from elsewhere (a form answer 三号楼 → "3")."""
    parts = {"building": building, "unit": unit, "room": room}
    strip = re.compile(r"(号楼|号栋|栋|幢|座|号|单元|门|室|房)$")
    return {key: _to_digits(strip.sub("", value.strip())) if value else None
            for key, value in parts.items()}


def _community_start(text: str, end: int) -> int | None:
    """Start of a community or road name ending at ``end``, or None if none."""
    before = text[:end].rstrip()
    before = before[:-1] if before.endswith("的") else before
    road = _ROAD_END.search(before)
    suffix = road or _COMMUNITY_END.search(before)
    if suffix is None:
        return None
    anchor = start = suffix.start()
    while start > 0 and anchor - start < 8 and before[start - 1] not in _NAME_STOP:
        start -= 1
    start += len(_LEAD_FILLER.match(before[start:anchor]).group(0))
    return start if start < anchor else None


def _room_ok(raw: str | None, suffix: str | None) -> bool:
    digits = _to_digits(raw)
    if not digits or not digits.isdigit():
        return False
    # A bare number is a room only when it looks like one (502, 1202).
    return suffix in ("室", "房") or 3 <= len(digits) <= 4


def _from_core(text: str, match: re.Match) -> AddressMatch | None:
    b, u, r, area = match.group("b", "u", "r", "area")
    said_room = match.group("rs") in ("室", "房")
    room = _to_digits(r) if r and _room_ok(r, match.group("rs")) and (b or u or said_room) else None
    prefix = _community_start(text, match.start())
    if b and match.group("bs") == "号" and not (u or room or area or prefix is not None):
        return None  # 3号 alone is a date
    if u and not b and match.group("us") == "门" and not room:
        return None  # 2门 alone could be anything
    if not (b or u or room):
        return None
    ends = [match.end(g) for g in ("b", "bs", "u", "us") if match.group(g)]
    if room:
        ends.append(match.end("rs") if match.group("rs") else match.end("r"))
    if area and (room or not r):  # an area after a number we dropped is not ours
        ends.append(match.end("area"))
    leading_space = len(match.group(0)) - len(match.group(0).lstrip())
    start = match.start() + leading_space if prefix is None else prefix
    end = max(ends)
    return AddressMatch(start, end, text[start:end], _to_digits(b), _to_digits(u), room)


def _find_core(text: str) -> AddressMatch | None:
    ascii_text = fullwidth_to_ascii(text)  # same length, so spans stay valid
    pos = 0
    while pos < len(text):
        match = _CORE.search(ascii_text, pos)
        if match is None:
            return None
        found = _from_core(ascii_text, match) if match.end() > match.start() else None
        if found:
            return AddressMatch(found.start, found.end, text[found.start:found.end],
                                found.building, found.unit, found.room)
        pos = match.start() + 1  # an invalid match may hide a valid one inside it
    return None


def _find_common_area(text: str) -> AddressMatch | None:
    for match in _COMMON_AREA.finditer(text):
        start = _community_start(text, match.end("c"))
        if start is None and match.group("c") in ("小区", "社区"):
            start = match.start("c")  # 小区东门: the resident's own community
        if start is not None:
            return AddressMatch(start, match.end(), text[start:match.end()], None, None, None)
    return None


def find_address(text: str) -> AddressMatch | None:
    """The first residential address in ``text``, or None."""
    return _find_core(text) or _find_common_area(text)
