"""Phone numbers (mobile and landline), spoken digits normalised."""
from typing import Any, Dict, Iterable, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from nlu.rule_entity_extractor import RuleEntityExtractor
from nlu.rules.phone import find_phones


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class PhoneExtractor(RuleEntityExtractor):
    def find(self, text: str) -> Iterable[Dict[Text, Any]]:
        for m in find_phones(text):
            yield {"entity": "phone", "value": m.value, "start": m.start, "end": m.end}
