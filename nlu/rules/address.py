"""Find a residential address the way residents say it, in the forms used across
Chinese cities.

阳光小区三号楼二单元五零二 → building "3", unit "2", room "502", with the text kept as
said. The address is read as a chain of parts, each optional: district or street
(朝阳区, 光明街道), road with its number and lane (长乐路120弄, 建设路88号院), estate name
(和平新村, 金色家园, 阳光苑, 幸福里), phase and zone (二期, B区), building (7号楼, 3栋, 5幢,
A座, 7号), unit (2单元, 东单元, 2门), floor (3楼, 四层), room (502, 301室, 东户) and a common
area (楼道, 东门, 停车场), since many repairs are outside the flat. An estate said alone
(我住和平新村) is an address too.

Numbers may be ASCII, full-width, Chinese numerals (十二) or read digit by digit (五零二).
A number never runs into neighbouring digits, so a phone or ID number in the same
message cannot turn into a room.

What each part looks like is `address_grammar`'s; this module reads a chain of parts and
decides whether it is an address.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.rules.address_estate import unsuffixed_estate
from nlu.rules.address_grammar import NAME_STOP, NEXT, SEP, Part, named_at, numbered_at, own_community_at
from nlu.rules.digits import chinese_numeral_to_int, fullwidth_to_ascii, spoken_run_to_digits


@dataclass(frozen=True)
class AddressMatch:
    start: int
    end: int
    text: str
    building: str | None
    unit: str | None
    room: str | None
    # (kind, start, end) of each part read, in order: district, road, estate, building, ...
    parts: tuple[tuple[str, int, int], ...] = ()


# 七号 七号 / 五零二 不对 五零一: what comes before a part said again or put right
# (唔系 系一五零三: Cantonese 不是 是)
_AGAIN = re.compile(r"(?:[\s,，]|嗯|啊|哦|哎|唉|呃|哎呀|那个)*(?:(?:不对|不是|唔系|唔係|唔啱|说错了?|错了)[\s,，]*)*"
                    r"(?:就是|应该是|是|系|係)?(?:[\s,，]|嗯|啊)*")
_PUT_RIGHT = re.compile(r"不对|不是|唔系|唔係|唔啱|错")
_SELF_CORRECTION = re.compile(r"不对|唔啱|错")
# Where an address may begin: after the words that announce one, the announcing words
# themselves never part of it.
_LEAD_BEFORE = re.compile(r"(?:家住|家里|家在|我家|俺家|咱家|住|地址|位置|位于|就在)$")
_LEAD_FILLER = re.compile(r"^(?:家住|家里|家|住|地址|位置|位于|就在|在)+")
# Suffixes that end many other words (幸福里, 公园, 小城): such an estate alone is an address
# only where one is expected.
_WEAK_SUFFIX = set("苑里庄村屯城府湾庭园坊")
# Parts that make a chain an address on their own; others need a second numbered part.
_STRONG = {"district", "road", "estate", "unit", "lane", "phase", "group"}


def to_digits(raw: str | None) -> str | None:
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
    return {key: to_digits(strip.sub("", value.strip())) if value else None
            for key, value in parts.items()}


def _chain(text: str, start: int, first: Part) -> list[Part]:
    parts = [first]
    pos = first.end
    while True:
        sep = re.match(SEP, text[pos:]).end()
        kinds = NEXT[parts[-1].kind]
        same = numbered_at(text, pos + sep, (parts[-1].kind,)) if parts[-1].value else None
        if same is not None and to_digits(same.value) == to_digits(parts[-1].value) \
                and not text[same.end:same.end + 1].isdigit():
            pos = same.end  # 七号 七号: said twice
            continue
        part = named_at(text, pos + sep, kinds) or numbered_at(text, pos + sep, kinds)
        if part is None and sep:
            part = named_at(text, pos, kinds) or numbered_at(text, pos, kinds)
        if part is None and parts[-1].kind not in ("district", "road", "estate", "area"):
            said_again = _said_again(text, pos, parts)
            if said_again is not None:
                at, part = said_again
                parts[at:] = [part]
                pos = part.end
                continue
        if part is None:
            return parts
        parts.append(part)
        pos = part.end


def _said_again(text: str, pos: int, parts: list[Part]) -> tuple[int, Part] | None:
    """七号 七号 / 五零二 不对 五零一 / 三单元 不是 四单元 六零二: a numbered part said again or
    put right after the chain, as (index of the part it replaces, the new part); the parts
    after the replaced one go with it (they are said again after it)."""
    again = _AGAIN.match(text, pos)
    at = again.end() if again else pos
    corrected = bool(again and _PUT_RIGHT.search(again.group(0)))
    if again and "不是" in again.group(0) and not _SELF_CORRECTION.search(again.group(0)) \
            and re.search(r"是\s*$", text[:parts[0].start]):
        return None  # 是和平里小区4号楼2单元310 不是301: what it is, then what it is not
    for index in range(len(parts) - 1, -1, -1):
        kind = parts[index].kind
        if kind in ("district", "road", "estate", "area"):
            return None
        part = numbered_at(text, at, (kind,))
        if part is None or text[part.end:part.end + 1].isdigit():
            continue  # (the start of a phone number, not a room said again)
        longer = numbered_at(text, at, tuple(k for k in NEXT[None] + ("floor", "unit") if k != kind))
        if longer is not None and longer.end > part.end:
            continue  # 四单元 is no room 四
        same = to_digits(part.value) == to_digits(parts[index].value)
        if (same or corrected or index == len(parts) - 1) and (kind != "room" or _room_ok(part, parts[:index])):
            return index, part
    return None


def _room_ok(part: Part, parts: list[Part]) -> bool:
    if part.value is None:
        return False
    if part.value[:1] in "东西中南北":
        return True
    digits = to_digits(part.value)
    if not digits or not digits.isdigit():
        return False
    structured = any(p.kind in ("building", "unit", "floor", "lane", "road") for p in parts)
    # A bare number is a room only after a building or unit and when it looks like one (502, 1202).
    return part.suffix in ("室", "房", "户") or (structured and 2 <= len(digits) <= 4)


def _accept(text: str, parts: list[Part]) -> AddressMatch | None:
    kinds = [p.kind for p in parts]
    numbered_after = any(k in ("building", "unit", "room", "phase", "zone", "lane", "road_no", "group")
                         for k in kinds)
    estates = [p for p in parts if p.kind == "estate"]
    if estates and not numbered_after and not _estate_alone_ok(text, estates[-1]):
        return None
    if parts[0].suffix == "小区" and parts[0].end - parts[0].start <= 3 and len(parts) == 1:
        return None
    while parts and (parts[-1].kind == "room" and not _room_ok(parts[-1], parts)):
        parts = parts[:-1]
        kinds = kinds[:-1]
    if not parts:
        return None
    strong = any(k in _STRONG for k in kinds) or any(
        p.kind == "building" and p.suffix not in ("号",) for p in parts) or any(
        p.kind == "room" and p.suffix in ("室",) for p in parts)
    numbered = [k for k in kinds if k not in ("district", "road", "estate", "area")]
    if not strong and len(numbered) < 2:
        return None
    if kinds == ["district"] or kinds == ["road"] or kinds == ["floor"]:
        return None
    if kinds[-1] == "district":
        return None
    building = next((p for p in parts if p.kind == "building"), None)
    unit = next((p for p in parts if p.kind == "unit"), None)
    room = next((p for p in parts if p.kind == "room"), None)
    start, end = parts[0].start, parts[-1].end
    while end > start and text[end - 1].isspace():
        end -= 1
    return AddressMatch(start, end, text[start:end],
                        _part_value(building), _part_value(unit), _room_value(room),
                        tuple((p.kind, p.start, p.end) for p in parts))


def _estate_alone_ok(text: str, part: Part) -> bool:
    """和平新村 said alone is an address; 幸福里 only where an address is expected (after 住/在,
    or as the whole answer), since 里/园/城 end many other words."""
    if part.suffix and part.suffix not in _WEAK_SUFFIX:
        return True
    if part.end - part.start < 3:
        return False
    before = text[:part.start]
    whole = not re.sub(r"[\s，,。.!！]", "", text[:part.start] + text[part.end:])
    return whole or bool(re.search(r"(?:住|住在|家在|地址是?|在)[:：\s]*$", before))


def _part_value(part: Part | None) -> str | None:
    if part is None or part.value is None:
        return None
    if part.value in ("东", "西", "南", "北", "中"):
        return part.value
    return to_digits(part.value)


def _room_value(part: Part | None) -> str | None:
    if part is None or part.value is None:
        return None
    if part.value[:1] in "东西中南北":
        return part.value
    return to_digits(part.value)


def _starts(text: str):
    """Positions where an address may begin: after a stop character, a lead-in, or anywhere
    a numbered part begins."""
    for pos in range(len(text)):
        prev = text[pos - 1] if pos else "，"
        yield pos, prev in NAME_STOP or bool(_LEAD_BEFORE.search(text[max(0, pos - 3):pos]))


# 九 九号楼 / 三 三单元: a number begun, then said whole with its part
_NUMBER_STUTTER = re.compile(r"(?<![\d零〇一二两三四五六七八九十幺洞])([\d零〇一二两三四五六七八九十幺洞]{1,3})[\s,，]+"
                             r"(?=\1[\d零〇一二两三四五六七八九十幺洞]*\s*(?:号|栋|幢|座|单元|楼|层|室))")


def find_addresses(text: str) -> list[AddressMatch]:
    """Every residential address in ``text``, in order."""
    found: list[AddressMatch] = []
    at = 0
    while at < len(text):
        match = find_address(text[at:])
        if match is None:
            break
        found.append(AddressMatch(at + match.start, at + match.end, match.text, match.building,
                                  match.unit, match.room,
                                  tuple((k, at + a, at + b) for k, a, b in match.parts)))
        at += match.end
    return found


def find_address(text: str) -> AddressMatch | None:
    """The first residential address in ``text``, or None."""
    # same length, so spans stay valid
    ascii_text = _NUMBER_STUTTER.sub(lambda m: " " * len(m.group(0)), fullwidth_to_ascii(text))
    for pos, boundary in _starts(ascii_text):
        if ascii_text[pos] in " \t\n，,。":
            continue
        if ascii_text[pos] == "家" and named_at(ascii_text, pos + 1, ("district", "road", "estate")):
            continue  # 我家东风小区…: the name starts after 家
        first = (named_at(ascii_text, pos, ("district", "road", "estate")) if boundary else None) \
            or own_community_at(ascii_text, pos)
        if first is None and _LEAD_FILLER.match(ascii_text[pos:]):
            continue
        if first is None:
            first = numbered_at(ascii_text, pos, NEXT[None])
            if first is not None and pos and ascii_text[pos - 1].isalnum() and ascii_text[pos - 1].isascii():
                first = None
        if first is None:
            continue
        found = _accept(ascii_text, _chain(ascii_text, pos, first))
        if found:
            found = _with_unsuffixed_estate(ascii_text, found)
            return AddressMatch(found.start, found.end, text[found.start:found.end],
                                found.building, found.unit, found.room, found.parts)
    return None



def _with_unsuffixed_estate(text: str, found: AddressMatch) -> AddressMatch:
    """``found`` with the estate said before it without 小区/花园, if there is one."""
    estate = unsuffixed_estate(text, found.start, found.parts)
    if estate is None:
        return found
    start, end = estate
    return AddressMatch(start, found.end, text[start:found.end], found.building, found.unit, found.room,
                        (("estate", start, end),) + found.parts)
