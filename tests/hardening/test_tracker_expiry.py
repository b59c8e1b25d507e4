"""Idle conversations expire from Redis after TRACKER_EXPIRY_SECONDS (bot/redis_stores.py)."""
from __future__ import annotations

import asyncio
import uuid

import pytest
import redis
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redis_stores import UrlRedisTrackerStore
from bot.settings import Settings


EXPIRY_S = 3


@pytest.fixture
def short_lived_store(redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("REDIS_KEY_PREFIX", f"t{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("TRACKER_EXPIRY_SECONDS", str(EXPIRY_S))
    return UrlRedisTrackerStore(Domain.empty())


def tracker_key(prefix: str, sender: str) -> str:
    # Rasa's RedisTrackerStore: "<alphanumeric prefix>:tracker:<sender>".
    return f"{prefix}tracker:tracker:{sender}"


async def say(store: UrlRedisTrackerStore, sender: str, text: str) -> None:
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, [])
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)


async def test_an_idle_conversation_expires_and_an_active_one_does_not(short_lived_store, redis_url):
    store, sender = short_lived_store, f"u{uuid.uuid4().hex[:8]}"
    key = tracker_key(Settings.from_env().redis_key_prefix, sender)
    client = redis.Redis.from_url(redis_url)
    await say(store, sender, "你好")
    assert client.exists(key) == 1
    assert 0 < client.pttl(key) <= EXPIRY_S * 1000

    await asyncio.sleep(1.0)
    left = client.pttl(key)
    await say(store, sender, "我要报修")  # activity renews the expiry
    # compared with what was left, not checked after a second sleep that had to fit inside
    # the expiry: a busy machine would have to stall this process for the whole second
    # slept above, between the save and the check, to fail it
    assert client.pttl(key) > left
    kept = await store.retrieve(sender)
    assert kept is not None and len([e for e in kept.events if isinstance(e, UserUttered)]) == 2

    await asyncio.sleep(EXPIRY_S + 0.3)  # now idle for longer than the expiry
    assert client.exists(key) == 0
    assert await store.retrieve(sender) is None


@pytest.mark.slow
def test_conversations_of_the_running_assistant_carry_the_configured_expiry(stack, sender):
    stack.say(sender, "你好")
    client = redis.Redis.from_url(stack.redis_url)
    ttl = client.ttl(tracker_key(stack.prefix, sender))
    assert 0 < ttl <= Settings.from_env({}).tracker_expiry_s
