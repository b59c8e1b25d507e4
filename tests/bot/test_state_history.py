"""The policies' dialogue states, worked out once per turn (bot/state_history.py), are
the states Rasa builds, and the predictions are Rasa's.

Conversations are held with the running assistant (which has the per-turn states
installed); each is then played again in this process the way the Rasa server plays
it: a new tracker from the stored events at every resident message, the turn's
events added one by one, a prediction before every action.
"""
import json
import uuid

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActionReverted, Event, Restarted,
                                     SessionStarted, UserUtteranceReverted, UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from bench.turn_length import CYCLE
from bot import state_history
from tests.stack import ensure_model, start_stack

pytestmark = pytest.mark.slow

VARIANTS = [(omit, ignore) for omit in (False, True) for ignore in (False, True)]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The assistant, letting one resident say 40 things in a minute."""
    running = start_stack(tmp_path_factory.mktemp("states"), {"RATE_LIMIT_PER_SENDER": "1000"})
    yield running
    running.supervisor.stop_all()


@pytest.fixture(scope="module")
def conversations(stack):
    """Events of conversations held with the running assistant, and the replies."""
    run = uuid.uuid4().hex[:8]
    long_sender, form_sender = f"states-long-{run}", f"states-form-{run}"
    fresh_phone = f"139{uuid.uuid4().int % 10**8:08d}"  # fictional
    long_replies = [stack.say(long_sender, CYCLE[n % len(CYCLE)]) for n in range(40)]
    for text in ["我要报修", "3号楼2单元502", "你们几点上班", "厨房水龙头一直滴水关不紧", fresh_phone,
                 "随时都行", "😀", "不对，是3号楼2单元503", "对", "报修", "5栋1单元301", "算了不办了",
                 "你是机器人吗", "查一下我的办理进度"]:
        stack.say(form_sender, text)
    return {"long": (stack.tracker(long_sender)["events"], long_replies),
            "form": (stack.tracker(form_sender)["events"], None)}


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    loaded = Agent.load(str(ensure_model()))
    yield loaded
    state_history.uninstall()


def without_time(event: dict) -> str:
    """An event a policy adds, less the moment it was made."""
    return json.dumps({k: v for k, v in event.items() if k != "timestamp"}, sort_keys=True,
                      default=str)


def play(agent, events: list[dict]) -> list[tuple]:
    """Every prediction of the conversation, as the server makes them."""
    domain, predictions, tracker = agent.domain, [], None
    for i, event in enumerate(events):
        if event["event"] == "user" or tracker is None:
            # what the tracker store hands a turn: new objects from the stored events
            tracker = DialogueStateTracker.from_dict("replayed", events[:i], domain.slots)
        tracker.update(Event.from_parameters(event))
        if i + 1 < len(events) and events[i + 1]["event"] == "action":
            p = agent.processor._predict_next_with_tracker(tracker)
            predictions.append((p.policy_name, tuple(p.probabilities), p.hide_rule_turn,
                                [without_time(e.as_dict()) for e in p.events],
                                p.is_end_to_end_prediction, p.is_no_user_prediction))
    return predictions


@pytest.mark.parametrize("name, longest", [("long", 60), ("form", 15)])
def test_every_state_history_the_policies_ask_for_is_rasas(agent, conversations, monkeypatch, name,
                                                           longest):
    asked = []

    def checked(domain, tracker, omit_unset_slots=False, ignore_rule_only_turns=False,
                rule_only_data=None):
        ours = state_history.states_for_tracker_history(
            domain, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        rasas = state_history.RASA_STATES_FOR_TRACKER_HISTORY(
            domain, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        asked.append((len(ours), ours == rasas))
        return ours

    monkeypatch.setattr(Domain, "states_for_tracker_history", checked)
    play(agent, conversations[name][0])
    assert len(asked) > 40
    assert max(length for length, _ in asked) > longest  # whole histories were asked for
    assert all(same for _, same in asked)


@pytest.mark.parametrize("name", ["long", "form"])
def test_the_predictions_are_rasas(agent, conversations, name):
    events = conversations[name][0]
    state_history.uninstall()
    rasas = play(agent, events)
    state_history.install()
    ours = play(agent, events)
    assert len(ours) > 30
    assert ours == rasas


def test_an_undone_or_restarted_history_starts_again(agent, conversations):
    domain = agent.domain
    tracker = DialogueStateTracker.from_dict("undo", conversations["form"][0], domain.slots)
    rule_only = {"slots": ["requested_slot"], "loops": ["property_repair_form"]}

    def assert_rasas():
        for omit, ignore in VARIANTS:
            ours = state_history.states_for_tracker_history(domain, tracker, omit, ignore, rule_only)
            assert ours == state_history.RASA_STATES_FOR_TRACKER_HISTORY(
                domain, tracker, omit, ignore, rule_only)
            # the policies change the states they are given: those stay theirs
            for state in ours[-2:]:
                state.get("user", {}).clear()
                state.clear()

    assert_rasas()
    for undo in [UserUtteranceReverted(), ActionReverted(), Restarted(), SessionStarted()]:
        tracker.update(undo)
        assert_rasas()
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("你们几点上班", {"name": "faq", "confidence": 1.0}))
        assert_rasas()


def test_the_40th_turn_answers_as_the_5th(conversations):
    """On the running assistant: the same question every fifth turn gets the same answer."""
    replies = conversations["long"][1]
    asked = [replies[n - 1] for n in range(5, 41, 5)]
    assert "办公时间" in "".join(asked[0])
    assert all(reply == asked[0] for reply in asked)

