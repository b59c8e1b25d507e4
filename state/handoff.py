"""Conversations waiting for a human, readable by the console and channels."""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import redis.asyncio as aioredis

REASONS = ("requested", "fallback", "validation_failed", "caseworker", "emergency")


@dataclass
class Handoff:
    conversation_id: str
    reason: str
    channel: str
    service: str | None
    slots: dict[str, Any]
    summary: str
    urgent: bool = False
    requested_at: float = field(default_factory=time.time)


class HandoffQueue:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._queue = f"{prefix}:handoff:queue"
        self._item = f"{prefix}:handoff:item:"

    async def add(self, handoff: Handoff) -> None:
        if handoff.reason not in REASONS:
            raise ValueError(f"unknown handoff reason {handoff.reason!r}")
        # Urgent conversations sort before all others, then oldest first.
        score = handoff.requested_at - (10 ** 10 if handoff.urgent else 0)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._item + handoff.conversation_id,
                     json.dumps(asdict(handoff), ensure_ascii=False))
            pipe.zadd(self._queue, {handoff.conversation_id: score})
            await pipe.execute()

    async def waiting(self) -> list[Handoff]:
        ids = await self._redis.zrange(self._queue, 0, -1)
        items = []
        for conversation_id in ids:
            raw = await self._redis.get(self._item + conversation_id)
            if raw:
                items.append(Handoff(**json.loads(raw)))
        return items

    async def get(self, conversation_id: str) -> Handoff | None:
        raw = await self._redis.get(self._item + conversation_id)
        return Handoff(**json.loads(raw)) if raw else None

    async def remove(self, conversation_id: str) -> None:
        await self._redis.zrem(self._queue, conversation_id)
        await self._redis.delete(self._item + conversation_id)
