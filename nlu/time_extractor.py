"""Time expressions resolved to ISO dates/datetimes, preferring the future."""
from typing import Any, Dict, Iterable, Text
from zoneinfo import ZoneInfo

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from nlu.rule_entity_extractor import RuleEntityExtractor
from nlu.rules import clock
from nlu.rules.timeexpr import find_times


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class TimeExtractor(RuleEntityExtractor):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"timezone": "Asia/Shanghai"}

    def find(self, text: str) -> Iterable[Dict[Text, Any]]:
        now = clock.now(ZoneInfo(self._config.get("timezone", "Asia/Shanghai")))
        for m in find_times(text, now):
            yield {"entity": "time", "value": m.value, "start": m.start, "end": m.end,
                   "additional_info": {"has_time": m.has_time, "grain": m.grain}}
