"""Rasa's Redis tracker and lock stores, configured from REDIS_URL.

`endpoints.yml` names these classes so one setting (REDIS_URL) points every
process at the same Redis, embedded or managed, with key prefixes and an
expiry on idle conversations.
"""
from __future__ import annotations

import asyncio
import collections
import functools
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Set, Text, Type

import redis
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, EntitiesAdded, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import action_call, applied_events, state_history
from bot.settings import Settings

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=None)
def _event_class(type_name: Text) -> Optional[Type[Event]]:
    # Rasa's Event.resolve_by_type walks every Event subclass (inspect.isabstract on
    # each) for every event it reads: a third of a long conversation's turn.
    return Event.resolve_by_type(type_name)


def events_from_json(lines: Iterable[Text]) -> List[Event]:
    """Events stored one JSON object each, as Rasa's deserialise_events reads them."""
    events = []
    for line in lines:
        data = json.loads(line)
        name = data.get("event")
        if name is None:
            continue
        cls = _event_class(name)
        event = cls._from_parameters(data) if cls else None
        if event:
            events.append(event)
        else:
            logger.warning("stored event %s could not be read and is left out", name)
    return events


def starts_session(event: Event) -> bool:
    """Where Rasa splits a conversation into sessions (get_trackers_for_conversation_sessions)."""
    return isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME


class AppendingRedisTrackerStore(RedisTrackerStore):
    """Rasa's Redis tracker store, with a turn's cost that does not grow with the conversation.

    Rasa's RedisTrackerStore keeps a conversation as one JSON document and, on every
    save, reads and rebuilds it twice (once to find the events to publish, once to
    merge) and writes all of it again; with its event lookup that made a resident's
    40th turn cost 2-4 times the 5th. Here a conversation is a Redis list of events,
    one JSON object each, and a save appends only the events the turn added (and
    publishes only those); a second key holds where the latest session starts, so a
    turn reads only the latest session, as Rasa's `retrieve` returns it.

    A tracker this store returned remembers how much of the list it holds, and its
    save is one round trip (a script appends only if the list is still that long);
    otherwise the save reads what is stored first. Anything that is not a continuation
    of what is stored (events saved by someone else meanwhile, a tracker rebuilt from
    other events) is merged exactly as Rasa's store merges it and the list rewritten.
    A conversation stored by Rasa's store (one JSON string) is read as before and
    becomes a list at its next save.

    The process also keeps the latest session it last read or saved of each
    conversation (`_Latest`, at most `max_kept_events` events in all), so that a turn
    reads from Redis only the events added since, whoever added them: a third key holds
    a version of the list, new whenever the list is made anew (first save, after it
    expired, a merge that rewrites it), and the read, one round trip, takes the kept
    events only where the version, the session's start and a list at least as long
    say that the list is still what was kept plus events appended after it. The events
    of a turn's own save are kept as the objects the turn built where they read back
    equal from what was written (else as read back), so the same event objects go from
    turn to turn, and with them the work done on them (`CARRIED`: the dialogue states'
    replay, the applied events), which check for themselves that the events are the
    very same.
    """

    # Appends ARGV[5..] to KEYS[1] if it still holds ARGV[1] events; ARGV[2]: where
    # the latest session now starts ("" if unchanged); ARGV[3]: seconds to keep (0: ever);
    # ARGV[4]: a new version, taken where the list is new or has none. Returns the
    # list's version, or 0 where nothing was appended.
    _APPEND_IF_UNCHANGED = """
        if redis.call('LLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
        for i = 5, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
        if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2]) end
        if tonumber(ARGV[1]) == 0 then redis.call('SET', KEYS[3], ARGV[4])
        else redis.call('SETNX', KEYS[3], ARGV[4]) end
        for _, key in ipairs(KEYS) do
            if tonumber(ARGV[3]) > 0 then redis.call('EXPIRE', key, ARGV[3])
            else redis.call('PERSIST', key) end
        end
        return redis.call('GET', KEYS[3])
    """
    # The latest session of KEYS[1] (start in KEYS[2], version in KEYS[3]), only past
    # ARGV[3] where the list is still version ARGV[1] with that session start ARGV[2]
    # and at least ARGV[3] long: {type} if not a list, else {type, version, start,
    # length, 1 if read past ARGV[3] else 0, events}.
    _READ_LATEST = """
        local kind = redis.call('TYPE', KEYS[1]).ok
        if kind ~= 'list' then return {kind} end
        local version = redis.call('GET', KEYS[3]) or ''
        local start = tonumber(redis.call('GET', KEYS[2]) or '0')
        local stored = redis.call('LLEN', KEYS[1])
        local from, kept = start, 0
        if version ~= '' and version == ARGV[1] and start == tonumber(ARGV[2])
                and stored >= tonumber(ARGV[3]) then from, kept = tonumber(ARGV[3]), 1 end
        return {kind, version, start, stored, kept, redis.call('LRANGE', KEYS[1], from, -1)}
    """

    def __init__(self, *args: Any, max_kept_events: int = 50_000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_kept_events = max_kept_events
        self._kept: "collections.OrderedDict[Text, _Latest]" = collections.OrderedDict()
        self._kept_events = 0
        self._append_script = self.red.register_script(self._APPEND_IF_UNCHANGED)
        self._read_script = self.red.register_script(self._READ_LATEST)

    def _session_key(self, sender_id: Text) -> Text:
        return f"{self.key_prefix.rsplit(':', 2)[0]}:session_start:{sender_id}"

    def _version_key(self, sender_id: Text) -> Text:
        return f"{self.key_prefix.rsplit(':', 2)[0]}:tracker_version:{sender_id}"

    def _keys(self, sender_id: Text) -> tuple[Text, Text, Text]:
        return (self.key_prefix + sender_id, self._session_key(sender_id),
                self._version_key(sender_id))

    def _stored(self, sender_id: Text, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        key = self.key_prefix + sender_id
        start = 0 if fetch_all_sessions else int(self.red.get(self._session_key(sender_id)) or 0)
        lines = self.red.lrange(key, start, -1)
        if not lines:
            return None
        tracker = self._tracker_of(sender_id, events_from_json(lines), start)
        _remember_position(tracker, start + len(lines), start)
        return tracker

    def _tracker_of(self, sender_id: Text, events: List[Event], start: int) -> DialogueStateTracker:
        tracker = self.init_tracker(sender_id)
        if start > 0:  # the latest of several sessions, built as Rasa builds it
            for event in events:
                tracker.update(event)
        else:
            tracker.recreate_from_dialogue(Dialogue(sender_id, events))
        return tracker

    async def _retrieve(self, sender_id: Text,
                        fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if not fetch_all_sessions:
            return await self._latest_session(sender_id)
        try:
            return self._stored(sender_id, fetch_all_sessions)
        except redis.ResponseError as err:
            if "WRONGTYPE" not in str(err):
                raise
            return await super()._retrieve(sender_id, fetch_all_sessions)  # Rasa's own format

    async def _latest_session(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """What `_stored` returns for the latest session, reading only what is not kept."""
        kept = self._forget(sender_id)
        held = (kept.version, kept.start, kept.stored) if kept else ("", -1, 0)
        answer = self._read_script(keys=self._keys(sender_id), args=held)
        if answer[0] != "list":
            if answer[0] == "none":
                return None
            return await super()._retrieve(sender_id, False)  # Rasa's own format
        version, start, stored, read_past_kept, lines = answer[1:]
        read = events_from_json(lines)
        if read_past_kept:
            kept.as_read()
            latest = _Latest(version, start, stored, kept.events + read, kept.carried,
                             {**kept.featurization, **_featurization(read)})
        else:
            latest = _Latest(version, start, stored, read, {}, _featurization(read))
        if not latest.events:
            return None
        tracker = self._tracker_of(sender_id, latest.events, start)
        _remember_position(tracker, stored, start)
        tracker.__dict__.update(latest.carried)
        if version:
            self._keep(sender_id, latest)
        return tracker

    def _keep(self, sender_id: Text, latest: "_Latest") -> None:
        self._forget(sender_id)
        if any(isinstance(event, EntitiesAdded) for event in latest.events):
            return  # it changes an earlier message as it is replayed: read such anew
        self._kept[sender_id] = latest
        self._kept_events += len(latest.events)
        while self._kept_events > self.max_kept_events and self._kept:
            self._kept_events -= len(self._kept.popitem(last=False)[1].events)

    def _forget(self, sender_id: Text) -> Optional["_Latest"]:
        latest = self._kept.pop(sender_id, None)
        if latest:
            self._kept_events -= len(latest.events)
        return latest

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        timeout = timeout or self.record_exp
        keys = self._keys(tracker.sender_id)
        new_events = self._append_where_left(keys, tracker, timeout)
        if new_events is None:
            self._forget(tracker.sender_id)
            with self.red.pipeline() as pipe:
                while True:
                    try:
                        pipe.watch(*keys)
                        new_events = self._append_or_rewrite(pipe, keys, tracker, timeout)
                        break
                    except redis.WatchError:
                        continue  # saved by someone else between our read and write
        if self.event_broker:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    async def _stream_new_events(self, event_broker: EventBroker, new_events: List[Event],
                                 sender_id: Text) -> None:
        publish_many = getattr(event_broker, "publish_many", None)
        if publish_many is None:
            await super()._stream_new_events(event_broker, new_events, sender_id)
        elif new_events:
            publish_many([{"sender_id": sender_id, **event.as_dict()} for event in new_events])

    def _append_where_left(self, keys: tuple[Text, Text, Text], tracker: DialogueStateTracker,
                           timeout: Optional[float]) -> Optional[List[Event]]:
        """The new events, appended in one round trip; None if the tracker does not know
        where it left the list, or the list has changed since."""
        position = getattr(tracker, _POSITION, None)
        events = list(tracker.events)
        if position is None or not _continues(events, position):
            return None
        stored, start, known, _ = position
        new_events = events[known:]
        starts = [stored + i for i, e in enumerate(new_events) if starts_session(e)]
        lines = [json.dumps(e.as_dict()) for e in new_events]
        version = self._append_script(
            keys=keys, args=[stored, starts[-1] if starts else "", int(timeout or 0),
                             uuid.uuid4().hex, *lines])
        if not version:
            return None
        now_start = starts[-1] if starts else start
        _remember_position(tracker, stored + len(new_events), now_start)
        self._keep_saved(tracker, events, lines, (version, now_start, stored + len(new_events)),
                         stored - known)
        return new_events

    def _keep_saved(self, tracker: DialogueStateTracker, events: List[Event], lines: List[Text],
                    where: tuple[Text, int, int], first_index: int) -> None:
        """Keep the latest session as saved: `events` are the tracker's, the first of them
        at `first_index` of the list, the last len(lines) of them just written as `lines`."""
        version, start, stored = where
        read = self._forget(tracker.sender_id)
        written = events_from_json(lines)
        new = len(events) - len(lines)
        if start < first_index or len(written) != len(lines):
            return  # the tracker does not hold the whole latest session
        before = events[start - first_index:new]  # stored before this save
        if before and not (read and applied_events.same_objects(
                before, read.events[len(read.events) - len(before):])):
            return  # not the events this store read: how they read is not known
        session = before + [_as_read(event, back) for event, back in zip(events[new:], written)]
        featurization = {id(e): read.featurization[id(e)]
                         for e in before if isinstance(e, UserUttered)}
        featurization.update((id(event), back.use_text_for_featurization)
                             for event, back in zip(session[len(before):], written)
                             if isinstance(back, UserUttered))
        carried = {name: tracker.__dict__[name] for name in CARRIED if name in tracker.__dict__}
        self._keep(tracker.sender_id,
                   _Latest(version, start, stored, session, carried, featurization))

    def _append_or_rewrite(self, pipe: Any, keys: tuple[Text, Text, Text],
                           tracker: DialogueStateTracker, timeout: Optional[float]) -> List[Event]:
        """The events this save adds, written in one transaction (`pipe` is watching)."""
        key, session_key, version_key = keys
        if pipe.type(key) not in ("list", "none"):
            return self._rewrite(pipe, keys, tracker, timeout)
        stored = pipe.llen(key)
        start = int(pipe.get(session_key) or 0)
        last = json.loads(pipe.lindex(key, -1)) if stored else None
        events = list(tracker.events)
        # The tracker holds either the latest session (what a turn retrieved) or all of it.
        known = next((n for n in (stored - start, stored)
                      if n == 0 == stored or (0 < n <= len(events) and _same(events[n - 1], last))),
                     None)
        if known is None:
            return self._rewrite(pipe, keys, tracker, timeout)
        new_events = events[known:]
        pipe.multi()
        if new_events:
            pipe.rpush(key, *(json.dumps(e.as_dict()) for e in new_events))
        starts = [stored + i for i, e in enumerate(new_events) if starts_session(e)]
        if starts:
            pipe.set(session_key, starts[-1])
        if stored == 0:  # a new list (or one made again after it expired): a new version
            pipe.set(version_key, uuid.uuid4().hex)
        _expire(pipe, keys, timeout)
        pipe.execute()
        _remember_position(tracker, stored + len(new_events), starts[-1] if starts else start)
        return new_events

    def _rewrite(self, pipe: Any, keys: tuple[Text, Text, Text],
                 tracker: DialogueStateTracker, timeout: Optional[float]) -> List[Event]:
        """Rasa's save: merge with what is stored, publish what the last session lacked."""
        key, session_key, version_key = keys
        prior_all = self._read_any(pipe, key, tracker.sender_id, fetch_all_sessions=True)
        prior_session = self._read_any(pipe, key, tracker.sender_id, fetch_all_sessions=False)
        offset = len(prior_session.events) if prior_session else 0
        new_events = list(tracker.events)[offset:]
        merged = self._merge_trackers(prior_all, tracker) if prior_all else tracker
        events = list(merged.events)
        starts = [i for i, e in enumerate(events) if starts_session(e)]
        pipe.multi()
        pipe.delete(key, session_key)
        if events:
            pipe.rpush(key, *(json.dumps(e.as_dict()) for e in events))
        if starts and starts[-1] > 0:
            pipe.set(session_key, starts[-1])
        pipe.set(version_key, uuid.uuid4().hex)  # not a continuation of what anyone kept
        _expire(pipe, keys, timeout)
        pipe.execute()
        return new_events  # the tracker saved is not the list now stored: no position

    def _read_any(self, pipe: Any, key: Text, sender_id: Text,
                  fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if pipe.type(key) == "string":
            tracker = self.deserialise_tracker(sender_id, pipe.get(key))
            if tracker is None or fetch_all_sessions:
                return tracker
            sessions = rasa_sessions(tracker)
            return sessions[-1] if len(sessions) > 1 else tracker
        return self._stored(sender_id, fetch_all_sessions)


# Work done on a tracker's events that stays right for any tracker holding the very same
# event objects (each checks that for itself): it goes on to the next turn's tracker.
CARRIED = (state_history.KEPT_ATTRIBUTE, applied_events.KEPT_ATTRIBUTE,
           action_call.KEPT_ATTRIBUTE)


@dataclass
class _Latest:
    """A conversation's latest session as this process last read or saved it."""

    version: Text  # of the list (its version key)
    start: int  # where the session starts in the list
    stored: int  # the list's length then; `events` are its items start..stored-1
    events: List[Event]
    carried: Dict[Text, Any] = field(default_factory=dict)  # CARRIED attributes
    # each message's use_text_for_featurization as read from JSON, by id(event)
    featurization: Dict[int, Optional[bool]] = field(default_factory=dict)

    def as_read(self) -> None:
        """Give the messages back what replaying the conversation changes in them
        (DefinePrevUserUtteredFeaturization sets the message's use_text_for_featurization),
        so that the next replay leaves them as it leaves messages read anew."""
        for event in self.events:
            if isinstance(event, UserUttered):
                event.use_text_for_featurization = self.featurization[id(event)]


def _featurization(events: List[Event]) -> Dict[int, Optional[bool]]:
    return {id(e): e.use_text_for_featurization for e in events if isinstance(e, UserUttered)}


def _as_read(event: Event, back: Event) -> Event:
    """What to keep of a turn's event and the same event read back from what was written:
    the turn's own object (so that the work done on it goes on) where it is the same in
    every attribute a replay reads, made to hold the values read back; else what was
    read back. A message's parse data is written whole and read back as JSON gives it
    (tuples come back lists), and the message takes it; its use_text_for_featurization
    is set by replaying the conversation, and set back before each replay (`as_read`)."""
    if type(event) is not type(back):
        return back
    ours, theirs = dict(event.__dict__), dict(back.__dict__)
    if isinstance(back, UserUttered):
        for name in ("parse_data", "use_text_for_featurization"):
            ours.pop(name, None)
            theirs.pop(name, None)
    try:
        if not ours == theirs:
            return back
    except Exception:  # a value that cannot be compared
        return back
    if isinstance(back, UserUttered):
        taken = {k: v for k, v in back.__dict__.items() if k != "use_text_for_featurization"}
        event.__dict__.update(taken)
    return event


def rasa_sessions(tracker: DialogueStateTracker) -> List[DialogueStateTracker]:
    from rasa.shared.core.trackers import get_trackers_for_conversation_sessions

    return get_trackers_for_conversation_sessions(tracker)


# Set on a tracker this store returned or saved: (events in the list, where the latest
# session starts, how many of the tracker's events are stored, the last of them).
_POSITION = "_appending_store_position"


def _remember_position(tracker: DialogueStateTracker, stored: int, start: int) -> None:
    events = tracker.events
    last = events[-1] if events else None
    setattr(tracker, _POSITION, (stored, start, len(events), last))


def _continues(events: List[Event], position: tuple) -> bool:
    """The tracker still begins with what it held when it was read or saved."""
    _, _, known, last = position
    return len(events) >= known and (known == 0 or events[known - 1] is last)


def _same(event: Event, stored: Optional[Dict[Text, Any]]) -> bool:
    return bool(stored) and event.type_name == stored.get("event") \
        and event.timestamp == stored.get("timestamp")


def _expire(pipe: Any, keys: Iterable[Text], timeout: Optional[float]) -> None:
    for key in keys:
        if timeout:
            pipe.expire(key, int(timeout))
        else:
            pipe.persist(key)


class UrlRedisTrackerStore(AppendingRedisTrackerStore):
    def __init__(
        self,
        domain: Domain,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        settings = Settings.from_env()
        params = settings.redis()
        kwargs.pop("port", None)
        kwargs.pop("db", None)
        super().__init__(
            domain=domain,
            host=params.host,
            port=params.port,
            db=params.db,
            password=params.password,
            event_broker=event_broker,
            record_exp=settings.tracker_expiry_s,
            key_prefix=f"{settings.redis_key_prefix}tracker",
        )


class UrlRedisLockStore(RedisLockStore):
    """Rasa's ticket lock in Redis, and a ticket never outlives a Redis restart.

    A message that arrives as Redis goes down gets its ticket saved, then fails
    before the ticket is removed; Redis comes back from its append-only file with
    the ticket in it, and the conversation's next message would wait for it to
    expire (60 s). Here a removal that fails is retried in the background until
    Redis answers again, so the conversation waits only as long as Redis was away.
    The turn itself still fails, as before, so that it is sent again.
    """

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 retry_s: float = 0.5) -> None:
        settings = Settings.from_env()
        params = settings.redis()
        super().__init__(
            host=params.host,
            port=params.port,
            db=params.db,
            password=params.password,
            key_prefix=f"{settings.redis_key_prefix}lock",
        )
        self.retry_s = retry_s
        self._retrying: Set[asyncio.Task] = set()

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Rasa's `lock()` calls this as a turn ends, inside the event loop."""
        try:
            super().cleanup(conversation_id, ticket_number)
        except redis.RedisError:
            task = asyncio.get_running_loop().create_task(
                self._cleanup_when_back(conversation_id, ticket_number, LOCK_LIFETIME))
            self._retrying.add(task)
            task.add_done_callback(self._retrying.discard)
            # Still fail the turn: Rasa's tracker store swallows a failed save
            # (FailSafeTrackerStore), so this error is what tells the channel,
            # and the resident, to send the message again.
            raise

    def drop_every_ticket(self) -> int:
        """Remove every conversation's lock, tickets and all; the number removed.

        Only for a server taking over from the one that died while it alone served
        (a spare, bot/rasa_server.py): every ticket is then that server's, left by a
        turn that died with it, and would hold the resident's next turn until it
        expires (60 s). Where servers serve side by side their tickets are alive.
        """
        keys = list(self.red.scan_iter(match=f"{self.key_prefix}*", count=500))
        if keys:
            self.red.delete(*keys)
        return len(keys)

    async def _cleanup_when_back(self, conversation_id: str, ticket: int, lifetime_s: float) -> None:
        deadline = time.monotonic() + lifetime_s  # after that the ticket has expired anyway
        while time.monotonic() < deadline:
            await asyncio.sleep(self.retry_s)
            try:
                super().cleanup(conversation_id, ticket)
                logger.info("removed a lock ticket left behind while Redis was away")
                return
            except redis.RedisError:
                continue
