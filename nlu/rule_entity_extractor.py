"""Shared shape of the rule-based extractors: find spans, append entities.

Subclasses implement `find(text)`; this class only turns matches into Rasa
entity dicts, so the pure functions in `nlu/rules/` stay testable without
Rasa.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


class RuleEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Base for extractors whose logic is a pure function of the text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RuleEntityExtractor":
        return cls(config)

    def find(self, text: str) -> Iterable[Dict[Text, Any]]:
        """Yield dicts with entity, value, start, end (and optional extras)."""
        raise NotImplementedError

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            found = [self._entity(text, match) for match in self.find(text)]
            if found:
                found = self.add_extractor_name(found)
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages

    @staticmethod
    def _entity(text: str, match: Dict[Text, Any]) -> Dict[Text, Any]:
        entity = {
            ENTITY_ATTRIBUTE_TYPE: match["entity"],
            ENTITY_ATTRIBUTE_START: match["start"],
            ENTITY_ATTRIBUTE_END: match["end"],
            ENTITY_ATTRIBUTE_VALUE: match["value"],
            ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
        }
        entity.update({k: v for k, v in match.items() if k not in entity and k != "entity"})
        return entity
