"""An estate said without 小区/花园 before the address read after it: 锦绣江南16幢1单元703,
田林 十二村. The reader (`address.py`) asks here once it has an address; what decides is
whether the words before it read as a name and not as the problem (厨房漏水3号楼), a place
in the flat, or a value the vocabularies know."""
from __future__ import annotations

import re

from nlu.rules.address_grammar import INDOOR, NAME_STOP, NOT_ESTATES, NOT_PLACE_NAMES, NUM, RELATIVE_PLACE
from nlu.rules.ordinary_words import NOT_IN_AN_ESTATE_NAME, any_tagged, names_a_known_value, tagged_words

_BEFORE_ESTATE = re.compile(r"(?:^|[\s，,。：:；;]|住在?|在|地址是?|是)$")


def unsuffixed_estate(text: str, begins: int, parts: tuple[tuple[str, int, int], ...]) -> tuple[int, int] | None:
    """(start, end) of the estate named without a suffix before the address that begins at
    ``begins`` with ``parts``: the words said right before a building (栋 幢 号楼 座); 田林
    十二村: the words before a numbered village, across a recogniser's pause."""
    if not parts:
        return None
    kind, first_start, first_end = parts[0]
    numbered_estate = kind == "estate" and re.fullmatch(rf"{NUM}\S{{1,2}}", text[first_start:first_end])
    if not numbered_estate and (kind != "building" or text[first_start:first_end].endswith("号")):
        return None
    start = begins
    if numbered_estate and start > 0 and text[start - 1] == " ":
        start -= 1  # 田林 十二村: the recogniser's pause inside the name
    if text[start:begins] == " " and not (start > 0 and re.match(r"[\u4e00-\u9fff]", text[start - 1])):
        return None
    gap = begins - start
    while start > 0 and re.match(r"[\u4e00-\u9fff]", text[start - 1]) and text[start - 1] not in NAME_STOP \
            and begins - gap - start < 6:
        start -= 1
    name = text[start:begins - gap]
    if not 2 <= len(name) <= 6 or not _BEFORE_ESTATE.search(text[:start]) or name in NOT_ESTATES \
            or NOT_PLACE_NAMES.match(name) or RELATIVE_PLACE.search(name) \
            or any(name.startswith(w) or name.endswith(w) for w in INDOOR) or _names_something_else(name):
        return None
    return start, begins - gap


def _names_something_else(name: str) -> bool:
    return names_a_known_value(name) or any_tagged(tagged_words(name), NOT_IN_AN_ESTATE_NAME)
