"""The request body of a custom action call, each event's JSON made once per conversation
instead of once per call.

Rasa 3.6 sends the action server the whole conversation with every custom action call
(the actions read far back in it: the request that started a form, every service filed,
the slot values said before) and makes the JSON of every event again each time: in a
40-turn conversation that was the largest cost growing with the conversation (a sampling
profile: 4.3 ms a turn in 40-turn conversations, 0.8 ms in 5-turn ones).

Here the body is written as the very text `json.dumps` makes of Rasa's body (same keys,
order, separators and escapes), the events' part from each event's JSON kept with the
tracker: an event's JSON is made when it is first sent and reused while the tracker
holds that same event object. The tracker store hands the next turn the same event
objects (bot/redis_stores.py), and with them this memo; Rasa runs each action on a copy
of the tracker, which shares the memo with it. Once made, an event's JSON
stays right because Rasa changes an event it holds only through EntitiesAdded (which
adds entities to an earlier message); a tracker that holds one is written out whole,
as Rasa does. The text goes to aiohttp, which sends it instead of encoding the dict.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Text, Tuple

import aiohttp
import rasa
from rasa.core.actions.action import RemoteAction
from rasa.plugin import plugin_manager
from rasa.shared.core.events import EntitiesAdded, Event
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

logger = logging.getLogger(__name__)

RASA_ACTION_CALL_FORMAT = RemoteAction._action_call_format
RASA_SESSION = EndpointConfig.session
RASA_COPY = DialogueStateTracker.copy

# The attribute of a tracker that holds its events' JSON: {id(event): (event, text)}.
KEPT_ATTRIBUTE = "_assistant_event_json"


class EncodedBody(dict):
    """A request body with its JSON text already made (`text`); the dict holds the body
    less the events, for a reader other than aiohttp."""

    def __init__(self, body: Dict[Text, Any], text: Text) -> None:
        super().__init__(body)
        self.text = text


def dumps(value: Any) -> Text:
    """aiohttp's JSON encoder for the action server's sessions."""
    if isinstance(value, EncodedBody):
        return value.text
    return json.dumps(value)


def object_text(items: List[Tuple[Text, Text]]) -> Text:
    """`json.dumps` of a dict, from its keys and its values' JSON texts, in order."""
    return "{" + ", ".join(f"{json.dumps(key)}: {text}" for key, text in items) + "}"


def events_text(tracker: DialogueStateTracker) -> Text:
    """`json.dumps([e.as_dict() for e in tracker.events])`, reusing each event's text."""
    events = list(tracker.events)
    if any(isinstance(event, EntitiesAdded) for event in events):
        return json.dumps([event.as_dict() for event in events])
    kept: Dict[int, Tuple[Event, Text]] = tracker.__dict__.setdefault(KEPT_ATTRIBUTE, {})
    texts = []
    for event in events:
        hit = kept.get(id(event))
        if hit is None or hit[0] is not event:
            hit = kept[id(event)] = (event, json.dumps(event.as_dict()))
        texts.append(hit[1])
    if len(kept) > 2 * len(events) + 16:  # events no longer held (a session started anew)
        held = {id(event) for event in events}
        for key in [key for key in kept if key not in held]:
            del kept[key]
    return "[" + ", ".join(texts) + "]"


def action_call_format(self: Any, tracker: DialogueStateTracker, domain: Any) -> Dict[Text, Any]:
    """`RemoteAction._action_call_format`, its JSON text made with the events' kept texts."""
    state = tracker.current_state(EventVerbosity.NONE)
    body = {"next_action": self._name, "sender_id": tracker.sender_id, "tracker": state,
            "version": rasa.__version__}
    if (not self._is_selective_domain_enabled()
            or domain.does_custom_action_explicitly_need_domain(self.name())):
        body["domain"] = domain.as_dict()
    tracker_text = object_text([(key, events_text(tracker) if key == "events" else json.dumps(value))
                                for key, value in state.items()])
    text = object_text([(key, tracker_text if key == "tracker" else json.dumps(value))
                        for key, value in body.items()])
    return EncodedBody(body, text)


def copy(self: DialogueStateTracker) -> DialogueStateTracker:
    """`DialogueStateTracker.copy`, the copy sharing the events' JSON with the tracker:
    Rasa runs every action on a copy (replayed from the same event objects), so what a
    call makes of them is kept for the tracker that the turn goes on with and saves."""
    copied = RASA_COPY(self)
    copied.__dict__[KEPT_ATTRIBUTE] = self.__dict__.setdefault(KEPT_ATTRIBUTE, {})
    return copied


def session(self: Any) -> aiohttp.ClientSession:
    """`EndpointConfig.session` (Rasa 3.6), its JSON encoder the one above."""
    auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
            if self.basic_auth else None)
    return aiohttp.ClientSession(headers=self.headers, auth=auth, json_serialize=dumps,
                                 timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT))


def install() -> None:
    """Only for Rasa 3.6, whose body and session this writes; and only where no plugin
    rewrites the body (Rasa Pro's spaces), which would be given this dict."""
    if not rasa.__version__.startswith("3.6."):
        logger.warning("Rasa %s: the action call's body is Rasa's own", rasa.__version__)
        return
    if plugin_manager().hook.prefix_stripping_for_custom_actions.get_hookimpls():
        logger.warning("a plugin rewrites the action call's body: the body is Rasa's own")
        return
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]
    EndpointConfig.session = session  # type: ignore[method-assign]
    DialogueStateTracker.copy = copy  # type: ignore[method-assign]


def uninstall() -> None:
    RemoteAction._action_call_format = RASA_ACTION_CALL_FORMAT  # type: ignore[method-assign]
    EndpointConfig.session = RASA_SESSION  # type: ignore[method-assign]
    DialogueStateTracker.copy = RASA_COPY  # type: ignore[method-assign]
