"""Rasa's TEDPolicy, which does not run its model where the RulePolicy has already decided.

Before every action Rasa runs every policy, and the ensemble then takes one prediction
(`DefaultPolicyPredictionEnsemble`): a prediction that needs no user input (a form
carrying on) overrules the others; otherwise the highest confidence wins, and on equal
confidence the policy of higher priority. Inside a form, and at every step a rule
covers, the RulePolicy predicts with confidence 1.0 and priority 6; TED's confidences
are softmax probabilities, never above 1.0, at priority 1, so the ensemble takes the
rule's prediction whatever TED says. TED's TensorFlow model was still run at every such
step, and under ten residents at once it was the largest single cost of the Rasa server
(about a third of its CPU).

Here TED is given the RulePolicy's prediction and skips its model where its own
prediction cannot change the ensemble's choice (`rule_decides`), answering with TED's
empty prediction (every action at 0.0, what TED answers untrained) instead. Where no
rule applies (the RulePolicy's fallback at 0.3) TED predicts as before.

The RulePolicy's prediction reaches TED through one more edge of the prediction graph,
added when the model is loaded (`with_rule_prediction`, installed by bot/rasa_server.py;
the default recipe has no way to ask for another policy's output). Without that edge,
or where TED could predict from the message text (end-to-end training data) or its
confidences are not probabilities, it predicts at every step, as TEDPolicy.
tests/bot/test_rule_first_ted_policy.py plays conversations held with the running
assistant and compares every prediction with TED run at every step.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, Optional, Text

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.graph import GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.constants import MODEL_CONFIDENCE, SOFTMAX

# The keyword the RulePolicy's prediction is passed under (the edge's name).
RULE_PREDICTION = "rule_prediction"
_PREDICT = "predict_action_probabilities"


def rejected_action(tracker: DialogueStateTracker) -> Optional[Text]:
    """The action whose execution was just rejected, which the ensemble sets to 0.0 in
    every prediction before it chooses (as `_best_policy_prediction` finds it)."""
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecutionRejected):
            return event.action_name
        if isinstance(event, ActionExecuted):
            return None
    return None


def rule_decides(rule: Optional[PolicyPrediction], ted_priority: int, ted_uses_text: bool,
                 tracker: DialogueStateTracker, domain: Domain) -> bool:
    """Whether the ensemble picks `rule` over any prediction TED could make, whose
    confidences are at most 1.0, that need user input and that are end-to-end only
    where `ted_uses_text`."""
    if rule is None:
        return False
    if rule.is_no_user_prediction:
        return True  # overrules every prediction made from user input, TED's included
    if ted_uses_text and not rule.is_end_to_end_prediction:
        return False  # an end-to-end prediction of TED's would overrule the rule's
    probabilities = list(rule.probabilities)
    rejected = rejected_action(tracker)
    if rejected:
        probabilities[domain.index_for_action(rejected)] = 0.0
    return max(probabilities, default=0.0) >= 1.0 and rule.policy_priority > ted_priority


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT,
                          is_trainable=True)
class RuleFirstTEDPolicy(TEDPolicy):
    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     precomputations: Any = None,
                                     **kwargs: Any) -> PolicyPrediction:
        ted_uses_text = precomputations is not None or self.only_e2e
        if (self.model is not None and self.config[MODEL_CONFIDENCE] == SOFTMAX
                and rule_decides(kwargs.get(RULE_PREDICTION), self.priority, ted_uses_text,
                                 tracker, domain)):
            return self._prediction(self._default_predictions(domain))
        return super().predict_action_probabilities(
            tracker, domain, rule_only_data=rule_only_data, precomputations=precomputations,
            **kwargs)


def with_rule_prediction(schema: GraphSchema) -> GraphSchema:
    """The prediction graph with every RuleFirstTEDPolicy given the RulePolicy's prediction
    (the graph unchanged where either is missing)."""
    rule_nodes = [name for name, node in schema.nodes.items()
                  if node.fn == _PREDICT and issubclass(node.uses, RulePolicy)]
    if not rule_nodes:
        return schema
    nodes = dict(schema.nodes)
    for name, node in schema.nodes.items():
        if node.fn == _PREDICT and issubclass(node.uses, RuleFirstTEDPolicy):
            nodes[name] = dataclasses.replace(
                node, needs={**node.needs, RULE_PREDICTION: rule_nodes[0]})
    return GraphSchema(nodes)
