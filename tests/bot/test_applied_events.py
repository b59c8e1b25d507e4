"""A tracker's applied events, carried on from their last walk (bot/applied_events.py),
are Rasa's at every step of conversations with forms, reverts, restarts and sessions."""
from __future__ import annotations

import random
from typing import Iterator

import pytest
from rasa.shared.core.events import (ActionExecuted, ActionExecutionRejected, ActionReverted,
                                     ActiveLoop, BotUttered, Event, Restarted, SessionStarted,
                                     SlotSet, UserUtteranceReverted, UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from bot import applied_events

FORMS = ["property_repair_form", "contact_form", "complaint_suggestion_form"]


@pytest.fixture(autouse=True)
def installed() -> Iterator[None]:
    applied_events.install()
    yield
    applied_events.uninstall()


def rasas(tracker: DialogueStateTracker) -> list[Event]:
    return applied_events.RASA_APPLIED_EVENTS(tracker)


def random_events(rng: random.Random, n: int, forms: list[str]) -> list[Event]:
    """Events in the shapes a conversation has them: user turns, form runs with and
    without rejections, forms activated and ended, reverts, restarts, new sessions."""
    events: list[Event] = []
    while len(events) < n:
        form = rng.choice(forms)
        kind = rng.random()
        if kind < 0.35:
            events += [UserUttered("x", {"name": "repair", "confidence": 1.0}),
                       ActionExecuted(form), ActiveLoop(form), SlotSet("requested_slot", "phone"),
                       ActionExecuted("action_listen")]
        elif kind < 0.55:
            events += [UserUttered("y", {"name": "inform", "confidence": 1.0}), ActionExecuted(form)]
            if rng.random() < 0.3:
                events += [ActionExecutionRejected(form), ActionExecuted("utter_faq"),
                           BotUttered("z"), ActionExecuted(form)]
            events += [ActionExecuted("action_listen")]
        elif kind < 0.65:
            events += [ActionExecuted(form), ActiveLoop(None), SlotSet("requested_slot", None),
                       ActionExecuted("action_listen")]
        elif kind < 0.75:
            events += [UserUttered("w", {"name": "faq", "confidence": 1.0}),
                       ActionExecuted("utter_faq"), BotUttered("a"), ActionExecuted("action_listen")]
        elif kind < 0.82:
            events += [UserUtteranceReverted()]
        elif kind < 0.88:
            events += [ActionReverted()]
        elif kind < 0.92:
            events += [Restarted(), ActionExecuted("action_listen")]
        else:
            events += [ActionExecuted("action_session_start"), SessionStarted(),
                       ActionExecuted("action_listen")]
    return events


@pytest.mark.parametrize("seed", range(40))
def test_applied_events_at_every_step_are_rasas(seed):
    rng = random.Random(seed)
    # forms may first appear late in the conversation: earlier form runs are read anew
    events = random_events(rng, 120, FORMS[:1]) + random_events(rng, 120, FORMS)
    tracker = DialogueStateTracker(f"s{seed}", [])
    for event in events:
        tracker.update(event)
        if rng.random() < 0.7:  # asked at some steps, not all: several events added between
            ours = tracker.applied_events()
            assert [id(e) for e in ours] == [id(e) for e in rasas(tracker)]
            ours.clear()  # a caller's list is its own
            assert tracker.applied_events() == rasas(tracker)


def test_a_tracker_with_other_events_is_walked_again():
    rng = random.Random(7)
    events = random_events(rng, 80, FORMS)
    tracker = DialogueStateTracker("a", [])
    for event in events:
        tracker.update(event)
    tracker.applied_events()
    # the same walk carried over to a tracker with other objects, and to a shorter one
    other = DialogueStateTracker("b", [])
    for event in random_events(rng, 60, FORMS):
        other.update(event)
    other.__dict__[applied_events.KEPT_ATTRIBUTE] = tracker.__dict__[applied_events.KEPT_ATTRIBUTE]
    assert [id(e) for e in other.applied_events()] == [id(e) for e in rasas(other)]
    shorter = DialogueStateTracker("c", [])
    for event in events[:40]:
        shorter.update(event)
    shorter.__dict__[applied_events.KEPT_ATTRIBUTE] = tracker.__dict__[applied_events.KEPT_ATTRIBUTE]
    assert [id(e) for e in shorter.applied_events()] == [id(e) for e in rasas(shorter)]


def test_a_form_first_activated_later_undoes_its_earlier_runs_as_rasa_does():
    form = "contact_form"
    tracker = DialogueStateTracker("late", [])
    for event in [ActionExecuted("action_listen"), UserUttered("1", {"name": "a", "confidence": 1.0}),
                  ActionExecuted(form), ActionExecuted("action_listen"),
                  UserUttered("2", {"name": "a", "confidence": 1.0}), ActionExecuted(form),
                  ActionExecuted("action_listen")]:
        tracker.update(event)
    before = tracker.applied_events()
    tracker.update(ActiveLoop(form))  # now the earlier runs of contact_form are a form's
    after = tracker.applied_events()
    assert after == rasas(tracker)
    assert len(after) < len(before) + 1  # Rasa drops the repeated run: a walk from the start
