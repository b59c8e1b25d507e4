"""Person names in what residents say, with who the person is to the speaker.

Chinese names have no capitals or spaces to find them by. What marks them is the
frame around them: a cue (我叫, 名字是), a kinship or role word (我老伴叫周玉芬, 帮我爸
何建军申请, 是我外婆，名字叫钱桂香, 钱桂香是我外婆), and a surname at the start. Every
name found carries a role:

- ``served``: the person the service is for, introduced through a relation
  (我妈, 老伴, 孙子, 老人, 申请人) or as 他/她;
- ``helper``: the speaker, introduced as a relative of that person (我是他闺女林小红);
- ``self``: the speaker (我叫张秀英, 我是王建国);
- ``named``: a bare 姓名是/名字叫 with no relation around it.

A relation word alone (他女儿, 我妈) is never a name.
"""
from __future__ import annotations

import re

from nlu.rules.cantonese import pronouns_as_mandarin
from nlu.rules.kinship import CHILD_RELATIONS, RELATIONS
from nlu.rules.name_answer import bare_name, listed_name
from nlu.rules.name_frames import frame_candidates
from nlu.rules.name_reading import NameMatch, read_name
from nlu.rules.name_spelling import chars_in_order, mask_spelling, spelled_names
from nlu.rules.surnames import surname_len

# What the assistant's forms and extractors use; the parts live in the modules above.
__all__ = ["CHILD_RELATIONS", "RELATIONS", "NameMatch", "bare_name", "best_name", "chars_in_order",
           "find_person_names", "listed_name", "mask_spelling", "read_name", "spelled_names"]

_ROLE_RANK = {"served": 0, "named": 1, "self": 2, "helper": 3}


def find_person_names(text: str) -> list[NameMatch]:
    """Every name in ``text`` with its role, in order of position, one per span."""
    found: dict[int, NameMatch] = {}
    text = _without_surname_stutter(text)
    spelled = {start: (start, end) for start, end, _ in spelled_names(text)}
    text = mask_spelling(text)
    for role, start, rel, need_surname in frame_candidates(pronouns_as_mandarin(text)):
        span = spelled.get(start) or read_name(text, start, need_surname=need_surname)
        if span is None:
            continue
        match = NameMatch(span[0], span[1], text[span[0]:span[1]], role, rel)
        held = found.get(span[0])
        if held is None or (_ROLE_RANK[role] < _ROLE_RANK[held.role] and held.role != "helper"):
            found[span[0]] = match
    if not found:
        listed = listed_name(text)
        return [listed] if listed else []
    names = _without_overlaps(sorted(found.values(), key=lambda n: n.start))
    last = names[-1]
    said_last = _put_right_name(text, last.end)
    if said_last:
        start, end = said_last
        names[-1] = NameMatch(start, end, text[start:end], last.role, last.relation)
    return names


# 他叫 钱 钱福生 / 佢叫 梁 梁亚妹: the surname said alone, then the whole name
_SURNAME_THEN_NAME = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff])[\s，,、]+(?=\1[\u4e00-\u9fff])")


def _without_surname_stutter(text: str) -> str:
    """The surname said before the whole name blanked out, every position kept."""
    return _SURNAME_THEN_NAME.sub(
        lambda m: " " * len(m.group(0)) if surname_len(m.group(1)) == 1 else m.group(0), text)


_NAME_PUT_RIGHT = re.compile(r"不对|说错了?|写错了?|搞错了?|不是")


def _put_right_name(text: str, after: int) -> tuple[int, int] | None:
    """我叫 程晓东 哎 不对 是耳东陈 不是程 陈晓东: the whole name said last, after a correction
    that follows the name first said."""
    cue = _NAME_PUT_RIGHT.search(text, after)
    if cue is None:
        return None
    for m in reversed(list(re.finditer(r"[\u4e00-\u9fff]{2,4}", text[cue.end():]))):
        if re.search(r"不是\s*$", text[:cue.end() + m.start()]):
            continue  # 我叫王小明，不是王晓明: the name said not to be it
        if read_name(m.group(0), 0) == (0, len(m.group(0))):
            return cue.end() + m.start(), cue.end() + m.end()
    return None


def _without_overlaps(names: list[NameMatch]) -> list[NameMatch]:
    kept: list[NameMatch] = []
    for name in names:
        if kept and name.start < kept[-1].end:
            continue
        kept.append(name)
    return kept


def best_name(names: list[NameMatch], prefer: tuple[str, ...] = ("served", "named", "self")) -> NameMatch | None:
    """The name a form wants: by role preference, then the first said."""
    for role in prefer:
        for name in names:
            if name.role == role:
                return name
    return None
