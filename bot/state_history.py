"""The dialogue states Rasa's policies read, worked out once per turn instead of once
per policy and prediction.

Before every prediction each policy asks for the conversation as a list of states
(`tracker.past_states`), and Rasa 3.6 builds that list from the first event: it
replays every event into a fresh tracker and takes the state at each action. The
RulePolicy asks twice, MemoizationPolicy and TEDPolicy once each, and a turn has
two to four predictions, so a turn rebuilt the whole conversation eight to sixteen
times. That is what made a resident's 40th turn cost more than the 5th (a sampling
profile of 40-turn conversations: 7.5 ms a turn against 1.9 ms in 5-turn ones, the
largest cost that grows with the conversation).

Here the replay is kept on the tracker object the turn works on, one per kind of
history asked for, and carried on from where it stopped: the events already
replayed are the very same objects (checked by identity, so an undone or restarted
history, or a different conversation, starts again from the first event). The
steps are Rasa 3.6's own (`Domain.states_for_tracker_history`), in the same order,
so the states are the ones Rasa builds (tests/bot/test_state_history.py compares
them, and the predictions, on conversations held with the running assistant).
Callers get their own copies: the policies change the last state they are given.

The tracker store hands each turn a new tracker; where it hands on the same event
objects as the turn before, it hands on the replays too (bot/redis_stores.py, `CARRIED`),
so that a turn replays only the events added since. What it keeps is bounded there.
"""
from __future__ import annotations

import copy
import logging
import operator
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Text, Tuple

import rasa
from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

RASA_STATES_FOR_TRACKER_HISTORY = Domain.states_for_tracker_history
# The attribute of a tracker that holds its replays, one per kind of history.
KEPT_ATTRIBUTE = "_assistant_state_history"


@dataclass
class Replay:
    """Rasa's replay of a tracker's applied events, stopped after the last one."""

    domain: Domain
    rule_only_data: Optional[Dict[Text, Any]]
    tracker: DialogueStateTracker  # the fresh tracker the events are replayed into
    applied: List[Event] = field(default_factory=list)  # replayed so far
    states: List[State] = field(default_factory=list)
    last_ml_action_sub_state: Optional[Dict[Text, Text]] = None
    turn_was_hidden: bool = False

    def step(self, hide_rule_turn: bool, omit_unset_slots: bool,
             ignore_rule_only_turns: bool) -> None:
        """One pass of the loop of Rasa 3.6's `Domain.states_for_tracker_history`."""
        domain, tr = self.domain, self.tracker
        if ignore_rule_only_turns:
            if not self.turn_was_hidden:
                self.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
                self.turn_was_hidden = hide_rule_turn
            if self.turn_was_hidden:
                return
        state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if self.states:
                domain._substitute_rule_only_user_input(state, self.states[-1])
            if self.last_ml_action_sub_state:
                state[PREVIOUS_ACTION] = self.last_ml_action_sub_state
        self.states.append(domain._clean_state(state))

    def replay(self, events: List[Event], omit_unset_slots: bool,
               ignore_rule_only_turns: bool) -> None:
        for event in events:
            if isinstance(event, ActionExecuted):
                self.step(event.hide_rule_turn, omit_unset_slots, ignore_rule_only_turns)
            self.tracker.update(event)
            self.applied.append(event)

    def finished(self, omit_unset_slots: bool, ignore_rule_only_turns: bool) -> List[State]:
        """The states with the current one last, leaving the replay as it was."""
        kept = (len(self.states), self.last_ml_action_sub_state, self.turn_was_hidden)
        try:
            self.step(False, omit_unset_slots, ignore_rule_only_turns)
            return copied(self.states)
        finally:
            del self.states[kept[0]:]
            self.last_ml_action_sub_state, self.turn_was_hidden = kept[1], kept[2]


def copied(states: List[State]) -> List[State]:
    """New state and sub-state dicts, shared between states where Rasa shares them
    (values are strings and tuples)."""
    seen: Dict[int, Dict] = {}
    out = []
    for state in states:
        new = {}
        for key, sub in state.items():
            if isinstance(sub, dict):
                new[key] = seen.get(id(sub))
                if new[key] is None:
                    new[key] = seen[id(sub)] = dict(sub)
            else:
                new[key] = sub
        out.append(new)
    return out


def same_objects(a: List[Any], b: List[Any]) -> bool:
    return len(a) == len(b) and all(map(operator.is_, a, b))


def states_for_tracker_history(self: Domain, tracker: DialogueStateTracker,
                               omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
    """`Domain.states_for_tracker_history`, carrying on the tracker's last replay."""
    if type(tracker) is not DialogueStateTracker:  # training's trackers cache their own
        return RASA_STATES_FOR_TRACKER_HISTORY(self, tracker, omit_unset_slots,
                                               ignore_rule_only_turns, rule_only_data)
    kept = tracker.__dict__.setdefault(KEPT_ATTRIBUTE, Kept())
    applied = kept.applied_events(tracker)
    key = (omit_unset_slots, ignore_rule_only_turns)
    replay = kept.replays.pop(key, None)  # put back only once it is whole again
    if (replay is None or replay.domain is not self or replay.rule_only_data != rule_only_data
            or not same_objects(applied[:len(replay.applied)], replay.applied)):
        # a caller may change its rule_only_data later: the replay keeps what it was given
        replay = Replay(self, copy.deepcopy(rule_only_data), tracker.init_copy())
    replay.replay(applied[len(replay.applied):], omit_unset_slots, ignore_rule_only_turns)
    states = replay.finished(omit_unset_slots, ignore_rule_only_turns)
    kept.replays[key] = replay
    return states


@dataclass
class Kept:
    """What a tracker keeps: its applied events as of its last events, and its replays."""

    events: List[Event] = field(default_factory=list)
    applied: List[Event] = field(default_factory=list)
    replays: Dict[Tuple[bool, bool], Replay] = field(default_factory=dict)

    def applied_events(self, tracker: DialogueStateTracker) -> List[Event]:
        events = list(tracker.events)
        if not same_objects(events, self.events):
            self.events, self.applied = events, tracker.applied_events()
        return self.applied


def install() -> None:
    """Rasa's policies read states through `Domain.states_for_tracker_history`; the steps
    copied here are 3.6's, so another Rasa keeps its own."""
    if not rasa.__version__.startswith("3.6."):
        logger.warning("Rasa %s: the per-turn state history is for Rasa 3.6; Rasa's own is used",
                       rasa.__version__)
        return
    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[method-assign]


def uninstall() -> None:
    Domain.states_for_tracker_history = RASA_STATES_FOR_TRACKER_HISTORY  # type: ignore[method-assign]
