"""Find canonical values from a vocabulary by characters, then by pinyin.

Speech recognisers and hurried typing produce homophones (包修 for 报修,
设保 for 社保); matching the toneless pinyin of the text against the pinyin of
each phrase finds them without a list of misspellings.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@dataclass(frozen=True)
class GazetteerMatch:
    entity: str
    value: str
    start: int
    end: int
    text: str


@lru_cache(maxsize=4096)
def _syllables(text: str) -> tuple[str, ...]:
    # One syllable per character (non-Chinese characters map to themselves).
    return tuple(lazy_pinyin(ch, style=Style.NORMAL)[0] if ch.strip() else " " for ch in text)


def _find_phrase(text: str, phrase: str) -> int:
    pos = text.find(phrase)
    if pos >= 0:
        return pos
    hay, needle = _syllables(text), _syllables(phrase)
    n = len(needle)
    for i in range(len(hay) - n + 1):
        if hay[i:i + n] == needle:
            return i
    return -1


def find_in_vocab(text: str, entity: str, vocab: dict[str, list[str]]) -> list[GazetteerMatch]:
    """Longest non-overlapping phrase matches of `vocab` in `text`."""
    lowered = text.lower()
    candidates = []
    for value, phrases in vocab.items():
        for phrase in phrases:
            pos = _find_phrase(lowered, phrase.lower())
            if pos >= 0:
                candidates.append((pos, pos + len(phrase), value))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[GazetteerMatch] = []
    for start, end, value in candidates:
        if all(end <= m.start or start >= m.end for m in taken):
            taken.append(GazetteerMatch(entity, value, start, end, text[start:end]))
    return sorted(taken, key=lambda m: m.start)


def best_match(matches: list[GazetteerMatch], generic: frozenset[str]) -> GazetteerMatch | None:
    """The one value a single-valued slot should take: specific beats generic."""
    if not matches:
        return None
    return max(matches, key=lambda m: (m.text not in generic, m.end - m.start, -m.start))
