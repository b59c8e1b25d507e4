"""Rasa's ResponseSelector, run only on the messages whose answer it chooses.

Rasa runs a ResponseSelector's TensorFlow model on every message, although its
choice is read only when the message's intent is the selector's retrieval intent
(`faq`: the policy answer of `action_answer_faq` and the answer inside a form). Under
ten residents at once that model was about a ninth of the Rasa server's CPU, nearly
all of it for messages that are requests, answers to a form's question or greetings.
This component is the same selector, trained the same way, that leaves those
messages alone: a policy question gets exactly the answer it got before, and any
other message carries no `response_selector` in its parse data.

Place it after the intent classifiers (and before FallbackClassifier, as Rasa's).
"""
from __future__ import annotations

from typing import Iterable, List, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message


def selects_for(intent: Optional[Text], retrieval_intent: Optional[Text],
                retrieval_intents: Iterable[Text]) -> bool:
    """Whether a message of `intent` needs a response chosen: it is the selector's
    retrieval intent, or, for a selector trained on every retrieval intent (none
    configured), any of them."""
    if not intent:
        return False
    if retrieval_intent:
        return intent == retrieval_intent
    return intent in set(retrieval_intents)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RetrievalResponseSelector(ResponseSelector):
    def process(self, messages: List[Message]) -> List[Message]:
        wanted = [m for m in messages
                  if selects_for((m.get(INTENT) or {}).get(INTENT_NAME_KEY), self.retrieval_intent,
                                 self.all_retrieval_intents)]
        if wanted:
            super().process(wanted)
        return messages
