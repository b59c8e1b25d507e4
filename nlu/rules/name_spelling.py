"""A name spelled out after it, the way people do on the phone: each character by its
parts (木子李, 口天吴, 草头黄, 三点水的江), a description (三横一竖那个王) or a word that holds it
(马路的马, 淑女的淑, 芬芳嘅芬). Finding the spelling tells which name it spells and lets
the other readers skip it."""
from __future__ import annotations

import re

from nlu.rules.name_reading import CLAUSE_END
from nlu.rules.surnames import COMMON_SPELLINGS, COMPOUND_SURNAMES, SPELLED_OUT, surname_len

# One character of a name explained, perhaps led by the character itself (丁是甲乙丙丁的丁).
_COMPOUND = "|".join(sorted(COMPOUND_SURNAMES, key=len, reverse=True))
_EXPLAINED = re.compile(
    r"(?:(?P<lead>[\u4e00-\u9fff])是)?(?:"
    # 欧阳复姓 / 复姓司马 / 欧阳是复姓: the surname is two characters
    rf"(?P<cs>{_COMPOUND})是?复姓|复姓(?P<cs2>{_COMPOUND})"
    rf"|(?P<parts>{'|'.join(SPELLED_OUT)})"
    r"|(?:草字头|草头|三点水|单人旁|双人旁|提手旁|女字旁|金字旁|木字旁|王字旁|绞丝旁|竖心旁|耳朵旁|言字旁|"
    r"火字旁|日字旁|月字旁|石字旁|足字旁|车字旁|口字旁|土字旁|宝盖头|竹字头|雨字头|走之旁|反犬旁|"
    r"[\u4e00-\u9fff]字[旁头底])的?(?P<r>[\u4e00-\u9fff])"
    r"|[\u4e00-\u9fff]{1,6}?那个(?P<d>[\u4e00-\u9fff])"
    r"|(?P<w>[\u4e00-\u9fff]{1,4}?)[的嘅](?P<c>[\u4e00-\u9fff])"
    # 于是干钩于, 刘是文刀刘: the character, then how it is written, ending with it again
    r"|[\u4e00-\u9fff]{1,4}?(?P<again>(?P=lead)))")

# A segment of an answer that is only spelling (周总理的周, 三横一竖那个王, 口天吴).
_SPELLING = re.compile(rf"(?:[\u4e00-\u9fff]{{1,6}}[的嘅][\u4e00-\u9fff]|{'|'.join(COMMON_SPELLINGS)}|"
                       r"[\u4e00-\u9fff]{2,6}那个[\u4e00-\u9fff]|草头[\u4e00-\u9fff]|三点水[\u4e00-\u9fff]*)$")


def _explained_char(m: re.Match) -> str | None:
    if m.group("cs") or m.group("cs2"):
        return m.group("cs") or m.group("cs2")
    parts = m.group("parts") or ""
    char = m.group("c") or ("冯" if parts.startswith("两点水") else parts[-1:]) or m.group("r") \
        or m.group("d") or m.group("again")
    word = m.group("w")
    if word is not None and char not in (word[0], word[-1]) and not (len(word) == 4 and char in word):
        return None  # 马路的马, 大海的海, or an idiom that holds it: 一帆风顺的帆
    if m.group("lead") and m.group("lead") != char:
        return None
    return char


def _explanation_chain(text: str, start: int) -> tuple[int, str] | None:
    """(end, characters explained) when explanations run from ``start`` to a clause end,
    pauses between them or not (淑女的淑芬芳的芬, 木子李 淑女的淑)."""
    pos, chars = start, ""
    while True:
        m = _EXPLAINED.match(text, pos)
        char = m and _explained_char(m)
        if not char:
            break
        chars += char
        pos = m.end()
        following = pos
        while following < len(text) and text[following] in " ，,、":
            following += 1
        m = _EXPLAINED.match(text, following)
        if following == pos or not (m and _explained_char(m)):
            if following != pos:
                break
            continue
        pos = following
    if not chars or (pos < len(text) and text[pos] not in CLAUSE_END):
        return None
    return pos, chars


def chars_in_order(chars: str, text: str) -> bool:
    """Every character of ``chars`` appears in ``text``, in that order (淑芬 in 李淑芬,
    茶话 in 敬老茶话会)."""
    at = 0
    for ch in chars:
        at = text.find(ch, at)
        if at < 0:
            return False
        at += 1
    return True


def spelled_names(text: str) -> list[tuple[int, int, int]]:
    """(name start, name end, explanation end) for each name followed by how it is written
    (李淑芬木子李淑女的淑芬芳的芬, 马福来马路的马福气的福来去的来), pauses or not."""
    found: list[tuple[int, int, int]] = []
    start = 2
    while start < len(text):
        chain = _explanation_chain(text, start) if text[start] not in CLAUSE_END else None
        name_end = start
        while name_end > 0 and text[name_end - 1] in " ，,":
            name_end -= 1
        for size in (3, 2, 4) if chain else ():
            name = text[max(0, name_end - size):name_end]
            if len(name) == size and surname_len(name) and chars_in_order(chain[1], name) \
                    and (size < 4 or surname_len(name) == 2):
                found.append((name_end - size, name_end, chain[0]))
                start = chain[0]
                break
        start += 1
    return found


def mask_spelling(text: str) -> str:
    """``text`` with each name's spelling-out blanked, positions unchanged."""
    for _, name_end, end in spelled_names(text):
        text = text[:name_end] + "，" * (end - name_end) + text[end:]
    return text


def is_spelling(segment: str) -> bool:
    """``segment`` ends in a character spelled out (周总理的周, 口天吴): a pause in an answer
    before it does not start another name."""
    return bool(_SPELLING.search(segment))
