"""Person names in kinship and role frames (我老伴叫周玉芬, 帮我爸何建军申请, 我叫张秀英),
each with who the person is to the speaker (`name_role`: served, helper, self, named)."""
from typing import Any, Dict, Iterable, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from nlu.rule_entity_extractor import RuleEntityExtractor
from nlu.rules.person_name import find_person_names


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class PersonNameExtractor(RuleEntityExtractor):
    def find(self, text: str) -> Iterable[Dict[Text, Any]]:
        for m in find_person_names(text):
            yield {"entity": "person_name", "value": m.value, "start": m.start, "end": m.end,
                   "name_role": m.role, "relation": m.relation}
