"""Whether a few characters read as ordinary words or a value the assistant knows rather
than a proper name: jieba's part-of-speech tags and the assistant's vocabularies. A bare
name in a list of values (刘洋) and an estate said without 小区 (锦绣江南16幢) are both
told from ordinary words this way."""
from __future__ import annotations

from functools import lru_cache
from types import ModuleType

from nlu.rules.gazetteer import lookup
from nlu.rules.service_names import service_spans
from nlu.rules.vocab import GAZETTEERS

# jieba tags, by their first letter, of words no bare person's name is read as: verb,
# adverb, locality, preposition, conjunction, particle, modal and interjection
# (应该系, 楼里, 居住正 are no names)
NOT_IN_A_PERSON_NAME = frozenset("vdfpcuye")
# ... and of words no estate said without its suffix is read as: those, and adjectives,
# pronouns, place and time words and numerals (the problem said before a building:
# 厨房漏水3号楼)
NOT_IN_AN_ESTATE_NAME = frozenset("vadurpcyefsmt")


@lru_cache(maxsize=1)
def _tagger() -> ModuleType:
    # Importing the tagger reads jieba's whole dictionary: on first use, not at start-up.
    import jieba.posseg

    return jieba.posseg


def tagged_words(text: str) -> list[tuple[str, str]]:
    """(word, jieba part-of-speech tag) for each word of ``text``."""
    return [(token.word, token.flag) for token in _tagger().cut(text)]


def any_tagged(words: list[tuple[str, str]], tags: frozenset[str]) -> bool:
    """Some word carries a tag whose first letter is in ``tags``."""
    return any(flag[:1] in tags for _, flag in words)


def names_a_known_value(text: str) -> bool:
    """``text`` holds a value of one of the vocabularies (a repair, a service type) or
    a service's name."""
    return any(lookup(text, entity) for entity in GAZETTEERS) or bool(service_spans(text))
