"""Resident ID numbers; only checksum-valid numbers become `id_number`."""
from typing import Any, Dict, Iterable, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from nlu.rule_entity_extractor import RuleEntityExtractor
from nlu.rules.id_number import find_id_numbers


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class IdNumberExtractor(RuleEntityExtractor):
    def find(self, text: str) -> Iterable[Dict[Text, Any]]:
        for m in find_id_numbers(text):
            yield {"entity": "id_number", "value": m.value, "start": m.start, "end": m.end}
