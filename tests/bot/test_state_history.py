"""The policies' dialogue states, worked out once per turn (bot/state_history.py), are
the states Rasa builds, and the predictions are Rasa's.

Conversations are held with the running assistant (which has the per-turn states
installed); each is then played again in this process the way the Rasa server plays
it: a new tracker from the stored events at every resident message, the turn's
events added one by one, a prediction before every action.
"""
import json
import urllib.parse
import uuid

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActionReverted, Event, Restarted,
                                     SessionStarted, UserUtteranceReverted, UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from bench.turn_length import CYCLE
from bot import applied_events, state_history
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
    applied_events.uninstall()


def without_time(event: dict) -> str:
    """An event a policy adds, less the moment it was made."""
    return json.dumps({k: v for k, v in event.items() if k != "timestamp"}, sort_keys=True,
                      default=str)


def _prediction(agent, tracker):
    """Everything of the next prediction that must equal Rasa's (the events without times)."""
    p = agent.processor._predict_next_with_tracker(tracker)
    return (p.policy_name, tuple(p.probabilities), p.hide_rule_turn,
            [without_time(e.as_dict()) for e in p.events], p.is_end_to_end_prediction, p.is_no_user_prediction)


def play(agent, events: list[dict]) -> list[tuple]:
    """Every prediction of the conversation, as the server makes them."""
    domain, predictions, tracker = agent.domain, [], None
    for i, event in enumerate(events):
        if event["event"] == "user" or tracker is None:
            # what the tracker store hands a turn: new objects from the stored events
            tracker = DialogueStateTracker.from_dict("replayed", events[:i], domain.slots)
        tracker.update(Event.from_parameters(event))
        if i + 1 < len(events) and events[i + 1]["event"] == "action":
            predictions.append(_prediction(agent, tracker))
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


def rasas_predictions(agent, events: list[dict]) -> list[tuple]:
    """The predictions with Rasa's own states and applied events."""
    state_history.uninstall()
    applied_events.uninstall()
    try:
        return play(agent, events)
    finally:
        state_history.install()
        applied_events.install()


@pytest.mark.parametrize("name", ["long", "form"])
def test_the_predictions_are_rasas(agent, conversations, name):
    events = conversations[name][0]
    rasas = rasas_predictions(agent, events)
    ours = play(agent, events)
    assert len(ours) > 30
    assert ours == rasas


async def play_through_store(agent, events: list[dict], store, sender: str) -> list[tuple]:
    """Every prediction of the conversation, each turn's tracker from the tracker store
    and saved to it as the server does (so the turns hand on their replays)."""
    domain, predictions, tracker = agent.domain, [], None
    for i, event in enumerate(events):
        if event["event"] == "user" or tracker is None:
            if tracker is not None:
                await store.save(tracker)
            tracker = await store.retrieve(sender) or store.init_tracker(sender)
        tracker.update(Event.from_parameters(event))
        if i + 1 < len(events) and events[i + 1]["event"] == "action":
            predictions.append(_prediction(agent, tracker))
    return predictions


@pytest.mark.parametrize("name", ["long", "form"])
async def test_turns_that_carry_on_the_last_turns_replay_predict_as_rasa(
        agent, conversations, stack, monkeypatch, name):
    """Through the tracker store, which hands a turn the event objects of the turn before
    and with them its replays and applied events: every state history is Rasa's, every
    prediction too, and each event is replayed about once, not once per turn."""
    from bot.redis_stores import AppendingRedisTrackerStore

    events = conversations[name][0]
    rasas = rasas_predictions(agent, events)
    url = urllib.parse.urlparse(stack.redis_url)
    store = AppendingRedisTrackerStore(agent.domain, host=url.hostname, port=url.port,
                                       key_prefix=f"carry{uuid.uuid4().hex[:8]}", record_exp=600)
    asked, replayed = [], []

    def checked(domain, tracker, omit_unset_slots=False, ignore_rule_only_turns=False,
                rule_only_data=None):
        ours = state_history.states_for_tracker_history(
            domain, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        applied_events.uninstall()
        try:
            rasas_states = state_history.RASA_STATES_FOR_TRACKER_HISTORY(
                domain, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        finally:
            applied_events.install()
        asked.append(ours == rasas_states)
        return ours

    replay = state_history.Replay.replay

    def counted(self, events, *args):
        replayed.append(len(events))
        return replay(self, events, *args)

    monkeypatch.setattr(Domain, "states_for_tracker_history", checked)
    monkeypatch.setattr(state_history.Replay, "replay", counted)
    ours = await play_through_store(agent, events, store, f"carry-{name}")
    assert len(asked) > 40 and all(asked)
    assert ours == rasas
    carried_on = sum(replayed)
    replayed.clear()
    keeps_nothing = AppendingRedisTrackerStore(
        agent.domain, host=url.hostname, port=url.port, key_prefix=f"none{uuid.uuid4().hex[:8]}",
        record_exp=600, max_kept_events=0)
    assert await play_through_store(agent, events, keeps_nothing, f"none-{name}") == rasas
    assert carried_on < sum(replayed) / 1.5
    if name == "long":  # no form run undone: each event replayed once per kind of history
        assert carried_on <= len(VARIANTS) * len(events)


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

