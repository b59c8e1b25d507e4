"""The appending Redis tracker store (bot/redis_stores.py) keeps, returns and publishes
what Rasa's RedisTrackerStore does, across sessions, merges and Rasa's own stored format."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest
import redis
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, BotUttered, Event,
                                     SessionStarted, SlotSet, UserUttered)

from bot.embedded_redis import free_port
from bot.redis_stores import AppendingRedisTrackerStore
from tests.hardening.conftest import start_redis, stop_redis

DOMAIN = Domain.from_dict({
    "slots": {"phone": {"type": "text", "mappings": [{"type": "custom"}]},
              "address": {"type": "text", "mappings": [{"type": "custom"}]}},
})


class Published:
    def __init__(self) -> None:
        self.events: list[dict] = []

    def publish(self, event: dict) -> None:
        self.events.append(event)


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory) -> Iterator[int]:
    port = free_port()
    proc = start_redis(port, tmp_path_factory.mktemp("redis"))
    yield port
    stop_redis(proc)


def stores(port: int) -> tuple[RedisTrackerStore, AppendingRedisTrackerStore]:
    tag = uuid.uuid4().hex[:8]
    rasa = RedisTrackerStore(DOMAIN, port=port, key_prefix=f"r{tag}", event_broker=Published())
    ours = AppendingRedisTrackerStore(DOMAIN, port=port, key_prefix=f"a{tag}",
                                      event_broker=Published(), record_exp=600)
    return rasa, ours


class Clock:
    def __init__(self) -> None:
        self.t = 1_700_000_000.0

    def __call__(self) -> float:
        self.t += 1.25
        return self.t


def session_start(clock: Clock) -> list:
    return [ActionExecuted("action_session_start", timestamp=clock()), SessionStarted(timestamp=clock()),
            ActionExecuted("action_listen", timestamp=clock())]


def turn(clock: Clock, text: str, phone: str | None = None) -> list:
    events = [UserUttered(text, {"name": "repair", "confidence": 0.9}, timestamp=clock()),
              ActionExecuted("property_repair_form", timestamp=clock()),
              ActiveLoop("property_repair_form", timestamp=clock())]
    if phone:
        events.append(SlotSet("phone", phone, timestamp=clock()))
    return events + [BotUttered(f"您说的是{text}", timestamp=clock()),
                     ActionExecuted("action_listen", timestamp=clock())]


async def save_turn(store, sender: str, events: list, full: bool = False):
    """What a turn does: retrieve (the latest session, or all of it), add events, save."""
    tracker = await (store.retrieve_full_tracker(sender) if full else store.retrieve(sender))
    tracker = tracker or store.init_tracker(sender)
    for event in events:
        tracker.update(event)
    await store.save(tracker)


async def assert_same(rasa, ours, sender: str) -> None:
    for read in ("retrieve", "retrieve_full_tracker"):
        theirs, mine = await getattr(rasa, read)(sender), await getattr(ours, read)(sender)
        assert [e.as_dict() for e in mine.events] == [e.as_dict() for e in theirs.events], read
        assert mine.current_state() == theirs.current_state(), read
    assert ours.event_broker.events == rasa.event_broker.events


async def test_turns_over_two_sessions_are_kept_returned_and_published_as_rasa_does(redis_port):
    rasa, ours = stores(redis_port)
    sender, clock = f"u{uuid.uuid4().hex[:8]}", Clock()
    steps = [(session_start(clock), False), (turn(clock, "水管漏了", "13812345678"), False),
             (turn(clock, "3号楼"), False),
             # a second session: the phone is carried over, only this session is returned
             (session_start(clock) + [SlotSet("phone", "13812345678", timestamp=clock())], False),
             (turn(clock, "还有一件事"), False), (turn(clock, "地址改一下"), True)]
    for events, full in steps:
        for store in (rasa, ours):
            await save_turn(store, sender, events, full)
        if full:
            # Saving the whole conversation, Rasa's store publishes again every event
            # beyond the latest session's length (the first session's among them); the
            # event stream should get each event once, and gets only this turn's here.
            published = ours.event_broker.events[-len(events):]
            assert [{k: v for k, v in p.items() if k != "sender_id"} for p in published] == [
                e.as_dict() for e in events]
            rasa.event_broker.events = list(ours.event_broker.events)
        await assert_same(rasa, ours, sender)
    mine = await ours.retrieve(sender)
    assert mine.events[0].action_name == "action_session_start" and len(mine.events) < len(
        (await ours.retrieve_full_tracker(sender)).events)
    assert mine.get_slot("phone") == "13812345678"


async def test_a_save_appends_only_the_turns_events(redis_port):
    _, ours = stores(redis_port)
    sender, clock = f"u{uuid.uuid4().hex[:8]}", Clock()
    await save_turn(ours, sender, session_start(clock) + turn(clock, "水管漏了"))
    client = redis.Redis(port=redis_port, decode_responses=True)
    key = ours.key_prefix + sender
    first = client.lrange(key, 0, -1)
    await save_turn(ours, sender, turn(clock, "3号楼", "13812345678"))
    after = client.lrange(key, 0, -1)
    assert after[:len(first)] == first and len(after) == len(first) + 6
    assert 0 < client.ttl(key) <= 600


async def test_events_saved_by_someone_else_meanwhile_are_merged_as_rasa_merges(redis_port):
    rasa, ours = stores(redis_port)
    sender, clock = f"u{uuid.uuid4().hex[:8]}", Clock()
    opening = session_start(clock)
    for store in (rasa, ours):
        await save_turn(store, sender, opening)
    late, other = turn(clock, "我先说的"), turn(clock, "别人插进来的")
    for store in (rasa, ours):
        stale = await store.retrieve(sender)
        await save_turn(store, sender, other)  # saved while `stale` was being worked on
        for event in late:
            stale.update(event)
        await store.save(stale)
    await assert_same(rasa, ours, sender)


async def test_a_conversation_in_rasas_own_format_is_read_and_kept(redis_port):
    rasa, _ = stores(redis_port)
    ours = AppendingRedisTrackerStore(DOMAIN, port=redis_port, key_prefix=rasa.key_prefix.split(":")[0],
                                      event_broker=Published())
    sender, clock = f"u{uuid.uuid4().hex[:8]}", Clock()
    await save_turn(rasa, sender, session_start(clock) + turn(clock, "水管漏了", "13812345678"))
    before = [e.as_dict() for e in (await rasa.retrieve(sender)).events]
    assert [e.as_dict() for e in (await ours.retrieve(sender)).events] == before
    await save_turn(ours, sender, turn(clock, "3号楼"))
    client = redis.Redis(port=redis_port, decode_responses=True)
    assert client.type(ours.key_prefix + sender) == "list"
    kept = [e.as_dict() for e in (await ours.retrieve(sender)).events]
    assert kept[:len(before)] == before and len(kept) == len(before) + 5
    assert (await ours.retrieve(sender)).get_slot("phone") == "13812345678"


async def test_the_event_stream_gets_each_event_of_a_turn_once_and_in_order(redis_port):
    from channels.event_broker import RedisStreamEventBroker
    from state.events import EventWriter, StreamKeys, decode

    client = redis.Redis(port=redis_port, decode_responses=True)
    prefix = f"s{uuid.uuid4().hex[:8]}"
    store = AppendingRedisTrackerStore(DOMAIN, port=redis_port, key_prefix=prefix,
                                       event_broker=RedisStreamEventBroker(
                                           EventWriter(client, prefix, 600)))
    sender, clock = f"u{uuid.uuid4().hex[:8]}", Clock()
    for events in (session_start(clock), turn(clock, "水管漏了", "13812345678"), turn(clock, "3号楼")):
        await save_turn(store, sender, events)
    streamed = [decode(i, f) for i, f in client.xrange(StreamKeys(prefix).conversation(sender))]
    kept = (await store.retrieve(sender)).events
    assert [(e["event"], e["timestamp"]) for e in streamed] == [(e.type_name, e.timestamp) for e in kept]
    assert all(e["sender_id"] == sender for e in streamed)
    assert 0 < client.ttl(StreamKeys(prefix).conversation(sender)) <= 600


def same_prefix(store: AppendingRedisTrackerStore, port: int, **kwargs) -> AppendingRedisTrackerStore:
    """Another process's store on the same conversations (a second Rasa server)."""
    return AppendingRedisTrackerStore(DOMAIN, port=port, key_prefix=store.key_prefix.split(":")[0],
                                      event_broker=Published(), record_exp=600, **kwargs)


def as_read(tracker) -> list:
    return [(type(e), e.__dict__) for e in tracker.events]


async def assert_as_fresh(store, port: int, sender: str):
    """What the store returns is what a store that kept nothing reads from Redis."""
    mine, fresh = await store.retrieve(sender), await same_prefix(store, port).retrieve(sender)
    assert as_read(mine) == as_read(fresh)
    assert mine.current_state() == fresh.current_state()
    return mine


async def test_a_turn_reads_what_another_process_wrote_whatever_it_wrote(redis_port):
    _, ours = stores(redis_port)
    other = same_prefix(ours, redis_port)
    client = redis.Redis(port=redis_port, decode_responses=True)
    sender, clock = f"u{uuid.uuid4().hex[:8]}", Clock()
    for events in (session_start(clock), turn(clock, "水管漏了", "13812345678"), turn(clock, "3号楼")):
        await save_turn(ours, sender, events)
    kept = await assert_as_fresh(ours, redis_port, sender)

    # the other server takes a turn of the same conversation: this one reads it
    await save_turn(other, sender, turn(clock, "几点能来"))
    again = await assert_as_fresh(ours, redis_port, sender)
    assert len(again.events) == len(kept.events) + 5
    # only the other server's events were read: the rest are the objects kept
    assert all(a is b for a, b in zip(again.events, kept.events))

    # the other server merges a stale tracker (rewrites the list)
    stale = await other.retrieve(sender)
    await save_turn(other, sender, turn(clock, "别人插进来的"))
    for event in turn(clock, "我先说的", "13900000000"):
        stale.update(event)
    await other.save(stale)
    await assert_as_fresh(ours, redis_port, sender)

    # the conversation expires and a new one of the same resident, longer than the one
    # kept here, is begun by the other server: nothing kept may be taken for it
    length = client.llen(ours.key_prefix + sender)
    client.delete(*ours._keys(sender))
    clock.t += 10_000
    events = session_start(clock)
    while len(events) <= length:
        events += turn(clock, "新的一次", "13700000000")
    await save_turn(other, sender, events)
    fresh = await assert_as_fresh(ours, redis_port, sender)
    assert [e.as_dict() for e in fresh.events] == [e.as_dict() for e in events]

    # a version key that outlived its list (evicted) does not vouch for a new list
    length = client.llen(ours.key_prefix + sender)
    client.delete(ours.key_prefix + sender, ours._session_key(sender))
    clock.t += 10_000
    events = session_start(clock)
    while len(events) <= length:
        events += turn(clock, "又一次")
    await save_turn(other, sender, events)
    await assert_as_fresh(ours, redis_port, sender)


async def test_a_rewrite_that_changes_what_was_kept_is_read_whole(redis_port):
    _, ours = stores(redis_port)
    other = same_prefix(ours, redis_port)
    sender, clock = f"u{uuid.uuid4().hex[:8]}", Clock()
    for events in (session_start(clock), turn(clock, "水管漏了")):
        await save_turn(ours, sender, events)
    stored = list((await assert_as_fresh(ours, redis_port, sender)).events)
    # The same conversation as Rasa compares events (not by their time), its last event
    # a moment earlier, and more: Rasa's merge keeps this tracker's events, so the list
    # is rewritten with an event kept here changed.
    copied = [Event.from_parameters(e.as_dict()) for e in stored]
    copied[-1].timestamp -= 0.5
    tracker = other.init_tracker(sender)
    for event in copied + turn(clock, "3号楼"):
        tracker.update(event)
    await other.save(tracker)
    after = await assert_as_fresh(ours, redis_port, sender)
    assert list(after.events)[len(stored) - 1].timestamp == stored[-1].timestamp - 0.5


async def test_a_turns_own_events_go_on_as_they_read_back(redis_port):
    _, ours = stores(redis_port)
    sender, clock = f"u{uuid.uuid4().hex[:8]}", Clock()
    await save_turn(ours, sender, session_start(clock))
    tracker = await ours.retrieve(sender)
    said = turn(clock, "水管漏了", "13812345678")
    # the NLU's parse data holds tuples (token offsets), which JSON gives back as lists
    said[0] = UserUttered("水管漏了", {"name": "repair", "confidence": 0.9},
                          parse_data={"text": "水管漏了", "intent": {"name": "repair", "confidence": 0.9},
                                      "entities": [], "text_tokens": [(0, 2), (2, 4)]},
                          timestamp=said[0].timestamp)
    # a value JSON gives back otherwise (a tuple comes back a list)
    odd = SlotSet("address", ("3号楼", "502"), timestamp=clock())
    for event in said + [odd]:
        tracker.update(event)
    await ours.save(tracker)
    after = await assert_as_fresh(ours, redis_port, sender)
    assert after.events[-1].value == ["3号楼", "502"] and after.events[-1] is not odd
    # the turn's other events go on as the very objects the turn made, the message
    # holding its parse data as read back
    assert all(a is b for a, b in zip(list(after.events)[-len(said) - 1:-1], said))
    assert said[0].parse_data["text_tokens"] == [[0, 2], [2, 4]]


async def test_what_is_kept_is_bounded_and_reads_stay_right(redis_port):
    _, ours = stores(redis_port)
    small = same_prefix(ours, redis_port, max_kept_events=12)
    clock = Clock()
    senders = [f"u{uuid.uuid4().hex[:8]}" for _ in range(4)]
    for round_ in range(3):
        for sender in senders:
            await save_turn(small, sender, (session_start(clock) if round_ == 0 else [])
                            + turn(clock, f"第{round_}句"))
            await assert_as_fresh(small, redis_port, sender)
    assert sum(len(k.events) for k in small._kept.values()) <= 12


async def test_kept_messages_are_replayed_as_messages_read_anew(redis_port):
    """Replaying a conversation changes its messages (which features a message gives
    the policies); a kept message must come out of the next turn's replay as one read
    from Redis does, also where the replay no longer reaches what changed it (undone)."""
    from rasa.shared.core.events import DefinePrevUserUtteredFeaturization, UserUtteranceReverted

    _, ours = stores(redis_port)
    sender, clock = f"u{uuid.uuid4().hex[:8]}", Clock()
    await save_turn(ours, sender, session_start(clock))
    said = UserUttered("水管漏了", {"name": "repair", "confidence": 0.9}, timestamp=clock())
    await save_turn(ours, sender, [said, DefinePrevUserUtteredFeaturization(False, timestamp=clock()),
                                   ActionExecuted("utter_ask_address", timestamp=clock()),
                                   ActionExecuted("action_listen", timestamp=clock())])
    assert said.use_text_for_featurization is False  # the turn's replay set it
    await save_turn(ours, sender, [UserUtteranceReverted(timestamp=clock()),
                                   ActionExecuted("action_listen", timestamp=clock())])
    after = await assert_as_fresh(ours, redis_port, sender)
    kept = [e for e in after.events if isinstance(e, UserUttered)]
    assert kept == [said] and kept[0] is said  # the very object, as read anew
    assert said.use_text_for_featurization is None
