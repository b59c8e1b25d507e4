"""A tracker's applied events, carried on from the last time they were worked out instead
of walked again from the first event by every caller.

`DialogueStateTracker.applied_events()` walks every event of the conversation (undoing
reverted turns and repeated form runs) and Rasa 3.6 calls it many times a turn: the
processor before a message, the MemoizationPolicy twice per prediction, the dialogue
states (bot/state_history.py), session starts. Each walk costs about as much as the
conversation is long (0.6 ms at 280 events), one of the costs that made a long
conversation's turn slower than a short one's.

Here the walk's result is kept on the tracker with the events it was worked out from.
While the tracker holds the very same event objects (checked by identity) it is
reused; where events were only added after them, the walk carries on over the added
ones from where it stopped, with Rasa 3.6's own steps. That gives Rasa's result
because the walk looks at each event once, in order, and decides with what it has
applied so far and the names of all forms activated anywhere in the conversation; so it
carries on only where the added events activate no form not activated before, and
otherwise walks everything again, as it does for any other change of the events.
Applied events depend only on the events' kinds and action and form names, which
nothing changes once an event exists. Callers get their own list, as from Rasa.
"""
from __future__ import annotations

import logging
import operator
from dataclasses import dataclass
from typing import Any, FrozenSet, List, Text

import rasa
from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, Event, Restarted,
                                     SessionStarted, UserUtteranceReverted, UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

RASA_APPLIED_EVENTS = DialogueStateTracker.applied_events
# The attribute of a tracker that holds its last walk (`Walked`).
KEPT_ATTRIBUTE = "_assistant_applied_events"


@dataclass
class Walked:
    events: List[Event]  # the events walked, in order
    applied: List[Event]  # what the walk applied
    loop_names: FrozenSet[Text]  # forms activated in `events`


def same_objects(a: List[Any], b: List[Any]) -> bool:
    return len(a) == len(b) and all(map(operator.is_, a, b))


def loop_names(events: List[Event]) -> FrozenSet[Text]:
    return frozenset(e.name for e in events if isinstance(e, ActiveLoop) and e.name)


def walk(tracker: DialogueStateTracker, events: List[Event], applied: List[Event],
         loops: FrozenSet[Text]) -> None:
    """The loop of Rasa 3.6's `DialogueStateTracker.applied_events` over `events`, carried
    on from `applied` (changed in place), with the conversation's form names `loops`."""
    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (isinstance(event, ActionExecuted) and event.action_name in loops
              and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)


def applied_events(self: DialogueStateTracker) -> List[Event]:
    """`DialogueStateTracker.applied_events`, reused or carried on where it can be."""
    events = list(self.events)
    kept = self.__dict__.get(KEPT_ATTRIBUTE)
    if kept is None or not same_objects(events[:len(kept.events)], kept.events):
        kept = Walked(events, RASA_APPLIED_EVENTS(self), loop_names(events))
    elif len(events) > len(kept.events):
        added = events[len(kept.events):]
        if loop_names(added) <= kept.loop_names:
            applied = list(kept.applied)
            walk(self, added, applied, kept.loop_names)
            kept = Walked(events, applied, kept.loop_names)
        else:
            kept = Walked(events, RASA_APPLIED_EVENTS(self), loop_names(events))
    self.__dict__[KEPT_ATTRIBUTE] = kept
    return list(kept.applied)


def install() -> None:
    """Only for Rasa 3.6, whose steps are copied here."""
    if not rasa.__version__.startswith("3.6."):
        logger.warning("Rasa %s: applied events are walked by Rasa's own code", rasa.__version__)
        return
    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]


def uninstall() -> None:
    DialogueStateTracker.applied_events = RASA_APPLIED_EVENTS  # type: ignore[method-assign]
