"""Sparse features saying which service a message names, even misheard.

A recogniser that writes 设保认证 or 高林津贴 leaves the word counts little to
go on; the gazetteer still finds the service by pinyin. Each token inside a
found name gets a one-hot of that service, and the sentence gets the union,
so the intent classifier sees the service named whatever the characters.
"""
from typing import Any, Dict, List, Text

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.rules.service_names import SERVICES, service_spans


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class ServiceNameFeaturizer(SparseFeaturizer, GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ServiceNameFeaturizer":
        return cls(execution_context.node_name, config)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            if tokens:
                self._featurize(message, tokens)
        return messages

    def _featurize(self, message: Message, tokens: List[Any]) -> None:
        sequence = np.zeros((len(tokens), len(SERVICES)), dtype=np.float32)
        for start, end, column in service_spans(message.get(TEXT) or ""):
            for row, token in enumerate(tokens):
                if token.start < end and start < token.end:
                    sequence[row, column] = 1.0
        sentence = sequence.max(axis=0, keepdims=True)
        self.add_features_to_message(
            sequence=scipy.sparse.coo_matrix(sequence), sentence=scipy.sparse.coo_matrix(sentence),
            attribute=TEXT, message=message)
