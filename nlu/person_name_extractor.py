"""Person names introduced with a cue word (我叫…, 老人叫…)."""
from typing import Any, Dict, Iterable, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from nlu.rule_entity_extractor import RuleEntityExtractor
from nlu.rules.person_name import find_person_names


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class PersonNameExtractor(RuleEntityExtractor):
    def find(self, text: str) -> Iterable[Dict[Text, Any]]:
        for m in find_person_names(text):
            yield {"entity": "person_name", "value": m.value, "start": m.start, "end": m.end}
