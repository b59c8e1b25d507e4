"""An address put right or written down: a correction said from the building down kept
within the place said before (complete_address), the one numbered part a correction names
replaced (replace_address_part), and the parts read written as staff write them
(written_address). Reading an address is `address.py`'s.
"""
from __future__ import annotations

import re

from nlu.rules.address import find_address, to_digits
from nlu.rules.address_grammar import CN_DIGITS, NUMBERED_RE, numbered_at
from nlu.rules.digits import fullwidth_to_ascii


_LEVELS = ("building", "unit", "floor", "room", "area")


def complete_address(said: str, known: str) -> str:
    """A corrected address said from the building down (是2号楼1单元203, 不是302) keeps the
    estate or road of the address already given: 向阳小区 + 2号楼1单元203."""
    new, old = find_address(said), find_address(known)
    named = ("district", "road", "estate")
    if old is not None and all(kind in named for kind, _, _ in old.parts) \
            and (new is None or new.parts[0][0] not in named):
        # 石牌村 said before, 三巷12号302房 now: the place, then the numbers under it
        whole = find_address(old.text + said.strip(" ，,。"))
        if whole and whole.start == 0 and whole.end > len(old.text):
            return whole.text
    if new is None or old is None or not new.parts or new.parts[0][0] not in _LEVELS:
        return new.text if new else said
    first, last = new.parts[0][0], new.parts[-1][0]
    from_first = _LEVELS[_LEVELS.index(first):]
    cut = next((start for kind, start, _ in old.parts if kind in from_first), None)
    if cut is None and not any(kind in _LEVELS for kind, _, _ in old.parts):
        return old.text + new.text  # 清河小区 said before, 5号楼1单元303 now
    if cut is None or cut <= old.start:
        return new.text
    # 是3单元的 changes the unit only: the room said before stays.
    below = _LEVELS[_LEVELS.index(last) + 1:] if last in _LEVELS[:3] else ()
    tail = next((start for kind, start, _ in old.parts if kind in below), None)
    kept = old.text[tail - old.start:] if tail is not None else ""
    return old.text[:cut - old.start] + new.text + kept


# Parts a correction may name on its own (门牌是32号院, 是5栋, 房号1202室), with the word that
# makes a bare number that part.
_OWN_PARTS = ("road_no", "lane", "zone", "phase", "group", "building", "unit", "floor", "room")


def replace_address_part(known: str, said: str) -> str | None:
    """``known`` with the one numbered part ``said`` names replaced (西城区百花深处胡同23号院 +
    门牌是32号院 → …32号院); None when ``said`` names no part of that address or several."""
    old = find_address(known)
    if old is None:
        return None
    held = {kind: (start, end) for kind, start, end in old.parts if kind in _OWN_PARTS}
    ascii_said = fullwidth_to_ascii(said)
    found: dict[str, str] = {}
    for pos in range(len(ascii_said)):
        if pos and (ascii_said[pos - 1].isdigit() or ascii_said[pos - 1] in CN_DIGITS):
            continue
        for kind in held:
            part = numbered_at(ascii_said, pos, (kind,))
            if part is None or not part.suffix and not (kind == "road_no" and "号" in ascii_said[pos:part.end]):
                continue
            if kind == "room" and part.suffix == "号" and "门牌" not in ascii_said:
                continue  # 32号 is a house number unless the old address has no other place for it
            found.setdefault(kind, ascii_said[pos:part.end].strip())
    if len(found) != 1:
        return None
    kind, new = next(iter(found.items()))
    start, end = held[kind]
    text = fullwidth_to_ascii(known)
    return known[:start] + new + known[end:] if text[start:end].strip() != new else None


def written_address(text: str) -> str:
    """An address as staff write it down: the parts read, numbers in digits, the pauses and
    fillers of speech left out (长乐路 嗯 一百二十弄 七号 三楼 → 长乐路120弄7号3楼)."""
    match = find_address(text)
    if match is None:
        return text
    plain = fullwidth_to_ascii(text)
    pieces = []
    for kind, start, end in match.parts:
        piece = re.sub(r"\s+", "", plain[start:end])
        numbered = NUMBERED_RE.get(kind)
        # (二期, 三区 and a village's 三组 are kept as said: places are named so)
        m = (numbered.match(piece) if numbered is not None and kind not in ("area", "phase", "zone", "group", "section")
             else None)
        value = m and (m.groupdict().get("v"))
        digits = to_digits(value) if value else None
        if digits and digits != value:
            piece = piece[:m.start("v")] + digits + piece[m.end("v"):]
        pieces.append(piece)
    return "".join(pieces)
