"""Service vocabulary (repair kinds, methods, service types) by chars and pinyin."""
from typing import Any, Dict, Iterable, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from nlu.rule_entity_extractor import RuleEntityExtractor
from nlu.rules.gazetteer import lookup
from nlu.rules.vocab import GAZETTEERS


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class GazetteerExtractor(RuleEntityExtractor):
    def find(self, text: str) -> Iterable[Dict[Text, Any]]:
        for entity in GAZETTEERS:
            match = lookup(text, entity)
            if match:
                yield {"entity": entity, "value": match.value, "start": match.start,
                       "end": match.end}
