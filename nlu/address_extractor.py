"""Residential addresses, with building / unit / room split out."""
from typing import Any, Dict, Iterable, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from nlu.rule_entity_extractor import RuleEntityExtractor
from nlu.rules.address import find_address


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class AddressExtractor(RuleEntityExtractor):
    def find(self, text: str) -> Iterable[Dict[Text, Any]]:
        m = find_address(text)
        if m:
            yield {"entity": "address", "value": m.text, "start": m.start, "end": m.end,
                   "additional_info": {"building": m.building, "unit": m.unit, "room": m.room}}
