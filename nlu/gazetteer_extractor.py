"""Service vocabulary (repair kinds, methods, service types) by chars and pinyin."""
from typing import Any, Dict, Iterable, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from nlu.rule_entity_extractor import RuleEntityExtractor
from nlu.rules.gazetteer import best_match, find_in_vocab
from nlu.rules.vocab import GAZETTEERS, GENERIC_PHRASES


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class GazetteerExtractor(RuleEntityExtractor):
    def find(self, text: str) -> Iterable[Dict[Text, Any]]:
        for entity, vocab in GAZETTEERS.items():
            match = best_match(find_in_vocab(text, entity, vocab), GENERIC_PHRASES)
            if match:
                yield {"entity": entity, "value": match.value, "start": match.start,
                       "end": match.end}
