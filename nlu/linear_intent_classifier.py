"""The intent classifier: a linear model over characters, pinyin and cue words.

DIET swung between 0.90 and 0.93 macro-F1 on the held-out set from one
training to the next (TensorFlow on CPU is not deterministic), took minutes
to train and mistook questions *about* a service for requests *for* it. This
component trains the deterministic model in `nlu.rules.intent_features` in
seconds. Alone in the pipeline it decides; placed after another classifier
(DIET) it replaces the intent and ranking with a weighted mean of both
rankings (`diet_weight` of the earlier one's).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.rules.intent_features import BLOCKS, LinearIntentModel


def blend(earlier: List[Dict[Text, Any]], ours: List[tuple], earlier_weight: float) -> List[tuple]:
    """(intent, confidence) by the weighted mean of an earlier ranking and ours, best first."""
    if not earlier:
        return list(ours)
    before = {item["name"]: float(item["confidence"]) for item in earlier}
    mixed = {name: earlier_weight * before.get(name, 0.0) + (1 - earlier_weight) * p for name, p in ours}
    return sorted(mixed.items(), key=lambda item: -item[1])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # blocks: which feature blocks to use (nlu.rules.intent_features.BLOCKS);
        # `make nlu-report --compare` drops "pinyin" to show what it buys.
        return {"C": 2.0, "sharpness": 5.0, "diet_weight": 0.5, "blocks": list(BLOCKS)}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[LinearIntentModel] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource, self.model = model_storage, resource, model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LinearIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        self.model = LinearIntentModel.train([m.get(TEXT) for m in examples],
                                             [m.get(INTENT) for m in examples],
                                             c=self.config["C"], sharpness=self.config["sharpness"],
                                             blocks=self.config["blocks"])
        with self._storage.write_to(self._resource) as directory:
            self.model.save(directory)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LinearIntentClassifier":
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource, LinearIntentModel.load(directory))

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.strip():
                # What DIET answered to nothing: no intent, confidence 0, so the
                # FallbackClassifier after us falls back instead of failing.
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            ranking = blend(message.get(INTENT_RANKING_KEY) or [], self.model.rank(text),
                            self.config["diet_weight"])[:LABEL_RANKING_LENGTH]
            name, confidence = ranking[0]
            message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking],
                        add_to_output=True)
        return messages
