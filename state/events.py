"""Conversation events in Redis Streams: a durable, replayable feed.

The Rasa event broker (`channels/event_broker.py`) appends every tracker
event twice: to one stream per conversation (transcript and live view in the
console, expires with idle conversations) and to one capped stream of all
conversations (analytics, live queue updates). Readers replay from any id.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio as aioredis

ALL_MAXLEN = 200_000
CONVERSATION_MAXLEN = 5_000


@dataclass(frozen=True)
class StreamKeys:
    prefix: str

    @property
    def all(self) -> str:
        return f"{self.prefix}:events:all"

    def conversation(self, conversation_id: str) -> str:
        return f"{self.prefix}:events:conv:{conversation_id}"


def encode(event: dict[str, Any]) -> dict[str, str]:
    """Flat stream fields: the ones readers filter on, plus the whole event as JSON."""
    return {
        "sender_id": str(event.get("sender_id") or ""),
        "event": str(event.get("event") or ""),
        "data": json.dumps(event, ensure_ascii=False, default=str),
    }


def decode(entry_id: str, fields: dict[str, str]) -> dict[str, Any]:
    event = json.loads(fields.get("data") or "{}")
    event["stream_id"] = entry_id
    return event


class EventWriter:
    """Synchronous writer: Rasa calls its broker's publish() synchronously."""

    def __init__(self, client: redis.Redis, prefix: str, expiry_s: int) -> None:
        self._redis = client
        self._keys = StreamKeys(prefix)
        self._expiry_s = expiry_s

    def write(self, event: dict[str, Any]) -> None:
        self.write_many([event])

    def write_many(self, events: list[dict[str, Any]]) -> None:
        """Events in order, in one round trip to Redis (a turn adds about ten)."""
        pipe = self._redis.pipeline(transaction=False)
        conversations = set()
        for event in events:
            fields = encode(event)
            conversation = self._keys.conversation(fields["sender_id"])
            conversations.add(conversation)
            pipe.xadd(self._keys.all, fields, maxlen=ALL_MAXLEN, approximate=True)
            pipe.xadd(conversation, fields, maxlen=CONVERSATION_MAXLEN, approximate=True)
        for conversation in conversations:
            pipe.expire(conversation, self._expiry_s)
        pipe.execute()


class EventReader:
    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        self._redis = client
        self.keys = StreamKeys(prefix)

    async def transcript(self, conversation_id: str, count: int = 2000) -> list[dict[str, Any]]:
        entries = await self._redis.xrange(self.keys.conversation(conversation_id), count=count)
        return [decode(i, f) for i, f in entries]

    async def follow(self, key: str, last_id: str, block_ms: int) -> list[dict[str, Any]]:
        """Entries after `last_id`, waiting up to `block_ms` for the first one."""
        found = await self._redis.xread({key: last_id}, block=block_ms, count=500)
        return [decode(i, f) for _, entries in found for i, f in entries]

    async def last_id(self, key: str) -> str:
        last = await self._redis.xrevrange(key, count=1)
        return last[0][0] if last else "0-0"

    async def scan_all(self, batch: int = 5000):
        """Every event of the capped all-conversations stream, oldest first."""
        start = "-"
        while True:
            entries = await self._redis.xrange(self.keys.all, min=start, count=batch)
            for entry_id, fields in entries:
                yield decode(entry_id, fields)
            if len(entries) < batch:
                return
            start = "(" + entries[-1][0]
