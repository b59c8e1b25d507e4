"""What the gateway keeps per call in Redis: caller metadata and the outcome.

The dialplan registers the caller's number before AudioSocket connects
(`POST /calls/<uuid>`), and reads the outcome after AudioSocket returns
(`GET /calls/<uuid>/outcome`) to transfer the call to staff or hang up.
Entries expire after a day.
"""
from __future__ import annotations

import json
from typing import Any

import redis.asyncio as aioredis

TTL_S = 24 * 3600


class CallStore:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._meta = f"{prefix}:voice:call:"
        self._outcome = f"{prefix}:voice:outcome:"

    async def register(self, call_id: str, metadata: dict[str, Any]) -> None:
        await self._redis.set(self._meta + call_id, json.dumps(metadata), ex=TTL_S)

    async def metadata(self, call_id: str) -> dict[str, Any]:
        raw = await self._redis.get(self._meta + call_id)
        return json.loads(raw) if raw else {}

    async def set_outcome(self, call_id: str, outcome: dict[str, Any]) -> None:
        await self._redis.set(self._outcome + call_id, json.dumps(outcome), ex=TTL_S)

    async def outcome(self, call_id: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._outcome + call_id)
        return json.loads(raw) if raw else None
