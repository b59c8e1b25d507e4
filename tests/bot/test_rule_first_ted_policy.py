"""TED skips its model only where the ensemble takes the rule's prediction anyway
(nlu/rule_first_ted_policy.py), and every choice of action stays Rasa's.

The first test holds the skip condition against Rasa's own ensemble with predictions of
TED's that try hardest to win. The others play conversations held with the running
assistant (which skips TED) again in this process, the way the server plays them, with
the real model loaded twice: once as Rasa loads it (TED predicts at every step) and
once as bot/rasa_server.py loads it (TED is given the rule's prediction).
"""
import json
import uuid

import pytest
import rasa.engine.loader
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActionExecutionRejected, Event,
                                     UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_server
from nlu.rule_first_ted_policy import rule_decides
from tests.stack import ensure_model

# -- the condition, against Rasa's ensemble -----------------------------------------

DOMAIN = Domain.from_dict({"intents": ["greet"], "actions": ["action_one", "action_two"]})
TED_PRIORITY, RULE_PRIORITY, MEMO_PRIORITY = 1, 6, 3


def probabilities(action: str | None, confidence: float) -> list[float]:
    values = [0.0] * len(DOMAIN.action_names_or_texts)
    if action:
        values[DOMAIN.index_for_action(action)] = confidence
    return values


def tracker(rejected: str | None = None) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen"), UserUttered("你好", {"name": "greet"})]
    if rejected:
        events.append(ActionExecutionRejected(rejected))
    return DialogueStateTracker.from_events("ensemble", events)


def rule(confidence: float = 1.0, action: str = "action_one", **flags) -> PolicyPrediction:
    return PolicyPrediction(probabilities(action, confidence), "RulePolicy", RULE_PRIORITY, **flags)


def ted(action: str | None, confidence: float, e2e: bool = False) -> PolicyPrediction:
    return PolicyPrediction(probabilities(action, confidence), "RuleFirstTEDPolicy", TED_PRIORITY,
                            is_end_to_end_prediction=e2e)


def chosen(rule_prediction: PolicyPrediction, ted_prediction: PolicyPrediction,
           rejected: str | None) -> tuple:
    """The ensemble's pick among the rule's, a memoization's and TED's prediction."""
    memo = PolicyPrediction(probabilities(None, 0.0), "MemoizationPolicy", MEMO_PRIORITY)
    copies = [PolicyPrediction(list(p.probabilities), p.policy_name, p.policy_priority,
                               list(p.events), is_end_to_end_prediction=p.is_end_to_end_prediction,
                               is_no_user_prediction=p.is_no_user_prediction)
              for p in (rule_prediction, memo, ted_prediction)]
    best = DefaultPolicyPredictionEnsemble().combine_predictions(copies, tracker(rejected), DOMAIN)
    return (best.policy_name, best.probabilities, [type(e).__name__ for e in best.events],
            best.is_end_to_end_prediction, best.is_no_user_prediction)


CASES = [  # the rule's prediction, whether TED could predict from text, the rejected action
    ("a rule", rule(), False, None, True),
    ("a form carrying on", rule(is_no_user_prediction=True), True, None, True),
    ("a rule on the message's text", rule(is_end_to_end_prediction=True), True, None, True),
    ("another action rejected", rule(), False, "action_two", True),
    ("no rule: the fallback", rule(0.3, "action_default_fallback"), False, None, False),
    ("the rule's action rejected", rule(), False, "action_one", False),
    ("TED may use the text", rule(), True, None, False),
]


@pytest.mark.parametrize("name, rule_prediction, ted_uses_text, rejected, decides", CASES,
                         ids=[case[0] for case in CASES])
def test_the_rule_wins_whatever_ted_says_exactly_where_ted_is_skipped(
        name, rule_prediction, ted_uses_text, rejected, decides):
    assert rule_decides(rule_prediction, TED_PRIORITY, ted_uses_text, tracker(rejected),
                        DOMAIN) is decides
    skipped = chosen(rule_prediction, ted(None, 0.0), rejected)  # TED's empty prediction
    strongest = [ted("action_two", 1.0), ted("action_two", 0.9), ted("action_listen", 1.0)]
    if ted_uses_text:
        strongest.append(ted("action_two", 1.0, e2e=True))
    outcomes = [chosen(rule_prediction, t, rejected) for t in strongest]
    if decides:
        assert all(outcome == skipped for outcome in outcomes)
    else:  # TED's prediction could have changed the choice: it must run
        assert any(outcome != skipped for outcome in outcomes)


# -- whole conversations with the running assistant -----------------------------------

CONVERSATIONS = {
    # a form with a question inside it, an emoji, a read-back put right, filing, a second
    # request cancelled, a bot challenge and a progress query
    "repair": ["我要报修", "3号楼2单元502", "你们几点上班", "厨房水龙头一直滴水关不紧", "{phone}",
               "随时都行", "😀", "不对，是3号楼2单元503", "对", "报修", "5栋1单元301", "算了不办了",
               "你是机器人吗", "查一下我的办理进度"],
    # someone else's certification, an ID not remembered, a person asked for
    "certification": ["你好", "我要给我妈做社保认证", "她叫王秀英", "不记得了", "身份证号记不清",
                      "随便", "转人工"],
    # an emergency, then the place and the number
    "emergency": ["我家煤气味很重", "幸福里小区5号楼", "{phone}", "谢谢"],
    # answers with no question asked, an offered service taken and cancelled
    "loose": ["对", "3号楼2单元502", "不是", "再见", "还有别的事", "社保认证能上门吗", "好", "算了",
              "帮我查查", "我要投诉", "楼上太吵了", "匿名", "对", "不用"],
}


@pytest.fixture(scope="module")
def conversations(stack, fresh_phone):
    held = {}
    for name, texts in CONVERSATIONS.items():
        sender = f"ted-{name}-{uuid.uuid4().hex[:8]}"
        for text in texts:
            stack.say(sender, text.format(phone=fresh_phone))
        held[name] = stack.tracker(sender)["events"]
    return held


@pytest.fixture(scope="module")
def fresh_phone():
    return f"139{uuid.uuid4().int % 10**8:08d}"  # fictional


@pytest.fixture(scope="module")
def agents():
    """The model as Rasa loads it, and as the assistant's Rasa server loads it."""
    from rasa.core.agent import Agent

    model = str(ensure_model())
    rasas = Agent.load(model)
    original = rasa.engine.loader.load_predict_graph_runner
    rasa.engine.loader.load_predict_graph_runner = rasa_server.load_predict_graph_runner
    try:
        ours = Agent.load(model)
    finally:
        rasa.engine.loader.load_predict_graph_runner = original
    return rasas, ours


def ted_node(agent) -> str:
    nodes = agent.processor.model_metadata.predict_schema.nodes
    return next(name for name, node in nodes.items() if "TEDPolicy" in node.uses.__name__)


def without_time(event: Event) -> str:
    return json.dumps({k: v for k, v in event.as_dict().items() if k != "timestamp"},
                      sort_keys=True, default=str)


def decision_points(events: list[dict]) -> list[int]:
    """Where the server predicted: before an action's prediction events (its
    user_featurization, a loop interrupted) and the action, and before a rejection."""
    points = []
    for i, event in enumerate(events):
        if event["event"] == "action_execution_rejected" or (
                event["event"] == "action" and event.get("policy")):
            start = i
            while start > 0 and events[start - 1]["event"] in ("user_featurization",
                                                                  "loop_interrupted"):
                start -= 1
            points.append(start)
    return points


def play(agent, events: list[dict]) -> dict[int, tuple]:
    """At every decision point: the ensemble's prediction and TED's own."""
    domain, results, tracker_ = agent.domain, {}, None
    points = set(decision_points(events))
    ted = ted_node(agent)
    for i, event in enumerate(events):
        if i in points:
            out = agent.processor.graph_runner.run(inputs={"__tracker__": tracker_},
                                                   targets=["select_prediction", ted])
            if tracker_.followup_action:
                best = agent.processor._predict_next_with_tracker(tracker_)
            else:
                best = out["select_prediction"]
            results[i] = (best, out[ted])
        if event["event"] == "user" or tracker_ is None:
            # what the tracker store hands a turn: new objects from the stored events
            tracker_ = DialogueStateTracker.from_dict("replayed", events[:i], domain.slots)
        tracker_.update(Event.from_parameters(event))
    return results


def summary(prediction: PolicyPrediction) -> tuple:
    return (prediction.policy_name, tuple(prediction.probabilities), prediction.hide_rule_turn,
            [without_time(e) for e in prediction.events], prediction.is_end_to_end_prediction,
            prediction.is_no_user_prediction)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_every_prediction_is_the_one_made_with_ted_at_every_step(agents, conversations, name):
    rasas, ours = agents
    events = conversations[name]
    with_ted, skipping = play(rasas, events), play(ours, events)
    assert with_ted.keys() == skipping.keys() and len(with_ted) >= 2 * len(CONVERSATIONS[name])
    skipped = 0
    for point, (best, ted_prediction) in with_ted.items():
        ours_best, ours_ted = skipping[point]
        assert summary(ours_best) == summary(best)
        if any(ours_ted.probabilities):  # TED ran: exactly as at every step
            assert ours_ted.probabilities == ted_prediction.probabilities
        else:
            skipped += 1
            assert best.policy_name in ("RulePolicy", "followup_action")
    assert skipped > len(with_ted) // 2  # TED was skipped at most steps


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_the_running_assistant_chose_what_ted_at_every_step_chooses(agents, conversations, name):
    rasas, _ = agents
    events = conversations[name]
    with_ted = play(rasas, events)
    checked = 0
    for point, (best, _) in with_ted.items():
        taken = next(e for e in events[point:] if e["event"] in ("action", "action_execution_rejected"))
        action = rasas.domain.action_names_or_texts[best.probabilities.index(best.max_confidence)]
        assert action == taken["name"]
        if taken["event"] == "action":
            assert (best.policy_name, best.max_confidence) == (taken["policy"], taken["confidence"])
        checked += 1
    assert checked >= len(CONVERSATIONS[name])
