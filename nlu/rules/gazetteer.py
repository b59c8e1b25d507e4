"""Find canonical values from a vocabulary by characters, then by pinyin.

Speech recognisers and hurried typing produce homophones (包修 for 报修,
设保 for 社保); matching the toneless pinyin of the text against the pinyin of
each phrase finds them without a list of misspellings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process

from nlu.rules.cantonese import chars_as_mandarin


@dataclass(frozen=True)
class GazetteerMatch:
    entity: str
    value: str
    start: int
    end: int
    text: str
    exact: bool = True


@lru_cache(maxsize=4096)
def _syllables(text: str) -> tuple[str, ...]:
    # One syllable per character (non-Chinese characters map to themselves).
    return tuple(lazy_pinyin(ch, style=Style.NORMAL)[0] if ch.strip() else " " for ch in text)


# Near-homophones (高林 for 高龄, lin/ling) are accepted above this pinyin
# similarity, only for phrases of three or more characters: shorter ones
# would match too much by accident.
FUZZY_MIN_CHARS = 3
FUZZY_SCORE = 88.0


@lru_cache(maxsize=4096)
def _joined(text: str) -> tuple[str, tuple[int, ...]]:
    """Syllables joined by spaces, and where each one starts in that string."""
    starts, at = [], 0
    for syllable in _syllables(text):
        starts.append(at)
        at += len(syllable) + 1
    return " ".join(_syllables(text)), tuple(starts)


def _find_phrase(text: str, phrase: str) -> int:
    pos = text.find(phrase)
    if pos >= 0:
        return pos
    hay, starts = _joined(text)
    needle, _ = _joined(phrase)
    at = f" {hay} ".find(f" {needle} ")
    if at >= 0:
        return starts.index(at)
    n = len(phrase)
    if n < FUZZY_MIN_CHARS or len(text) < n:
        return -1
    # Same-length stretches of the text, compared in one C call.
    syllables = _syllables(text)
    windows = ["".join(syllables[i:i + n]) for i in range(len(syllables) - n + 1)]
    best = process.extractOne("".join(_syllables(phrase)), windows, scorer=fuzz.ratio,
                              score_cutoff=FUZZY_SCORE)
    return best[2] if best else -1


def _excluded(text: str, start: int, end: int, phrase: str,
              contexts: dict[str, tuple[str, ...]]) -> bool:
    for context in contexts.get(phrase, ()):
        at = text.find(context)
        while at >= 0:
            if at <= start and end <= at + len(context):
                return True
            at = text.find(context, at + 1)
    return False


def find_in_vocab(text: str, entity: str, vocab: dict[str, list[str]],
                  excluded: dict[str, tuple[str, ...]] | None = None,
                  generic: frozenset[str] = frozenset()) -> list[GazetteerMatch]:
    """Non-overlapping phrase matches of `vocab` in `text`. Where two overlap, a phrase
    written as-is beats a homophone (电梯 in 楼电梯 is no 漏电), a specific one beats a
    ``generic`` symptom (路灯 in 路灯坏了), then the longer wins."""
    # A phrase is looked for as written (冇反应, 晕咗 are in the vocabulary), then in the text
    # read as Mandarin (灯坏了 in 灯坏咗); the vocabulary itself is never translated, so a
    # Cantonese phrase never matches Mandarin words it was not meant for (没反应).
    written = text.lower()
    mandarin = chars_as_mandarin(written)
    candidates = []
    for value, phrases in vocab.items():
        for phrase in phrases:
            lowered = written
            pos = _find_phrase(written, phrase.lower())
            if pos < 0 and mandarin != written:
                lowered = mandarin
                pos = _find_phrase(mandarin, phrase.lower())
            if pos >= 0 and not _excluded(lowered, pos, pos + len(phrase), phrase, excluded or {}):
                as_written = lowered[pos:pos + len(phrase)] == phrase.lower()
                candidates.append((pos, pos + len(phrase), value, as_written, phrase in generic))
    candidates.sort(key=lambda c: (not c[3], c[4], -(c[1] - c[0]), c[0]))
    taken: list[GazetteerMatch] = []
    for start, end, value, *_ in candidates:
        if all(end <= m.start or start >= m.end for m in taken):
            taken.append(GazetteerMatch(entity, value, start, end, text[start:end],
                                        exact=text[start:end] in vocab[value]))
    return sorted(taken, key=lambda m: m.start)


CATCH_ALL = "other"


def best_match(matches: list[GazetteerMatch], generic: frozenset[str]) -> GazetteerMatch | None:
    """The one value a single-valued slot should take: specific beats generic."""
    if not matches:
        return None
    # A named value before the catch-all (天花板往下滴水 is a water leak, not "other"), specific
    # before generic, then what was written as-is before homophones.
    return max(matches, key=lambda m: (m.value != CATCH_ALL, m.text not in generic, m.exact,
                                       m.end - m.start, -m.start))


# Where the values are alternatives (how to be certified), one the resident says
# they cannot use is not the one they are asking for: 手机上那个刷脸我看不着，能不能上门.
ALTERNATIVES = frozenset({"cert_method", "consultation_type"})
_TURNED_DOWN_AFTER = re.compile(r"^[^，,。；;！!？?]{0,8}?(弄不了|弄不来|用不了|用不来|搞不定|搞不来|"
                                r"不会弄|不会用|不会|看不着|看不见|看不清|不方便|不好使|去不了|"
                                r"走不了|不行|不想|太难|没法|不懂)")
_TURNED_DOWN_BEFORE = re.compile(r"(不想|不要|不去|不用|不会|没法|没办法|去不了|别)[^，,。；;！!？?]{0,3}$")


def turned_down(text: str, match: GazetteerMatch) -> bool:
    """The resident says they cannot or will not use this value."""
    return bool(_TURNED_DOWN_AFTER.search(text[match.end:])
                or _TURNED_DOWN_BEFORE.search(text[:match.start]))


def lookup(text: str, entity: str) -> GazetteerMatch | None:
    """The canonical value of `entity` mentioned in `text`, if any."""
    from nlu.rules.vocab import EXCLUDED_CONTEXTS, GAZETTEERS, GENERIC_PHRASES

    matches = find_in_vocab(text, entity, GAZETTEERS[entity], EXCLUDED_CONTEXTS, GENERIC_PHRASES)
    if entity in ALTERNATIVES:
        wanted = [m for m in matches if not turned_down(text, m)]
        if wanted and {m.value for m in wanted} != {m.value for m in matches}:
            matches = wanted
    return best_match(matches, GENERIC_PHRASES)
