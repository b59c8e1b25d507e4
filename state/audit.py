"""Append-only audit log of staff access to personal data (a Redis stream)."""
from __future__ import annotations

import time
from typing import Any

import redis.asyncio as aioredis


class AuditLog:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._key = f"{prefix}:audit"

    async def record(self, actor: str, action: str, conversation_id: str, detail: str,
                     ip: str = "") -> str:
        entry = {"at": f"{time.time():.3f}", "actor": actor, "action": action,
                 "conversation_id": conversation_id, "detail": detail, "ip": ip}
        return await self._redis.xadd(self._key, entry)

    async def recent(self, count: int = 200) -> list[dict[str, Any]]:
        entries = await self._redis.xrevrange(self._key, count=count)
        return [dict(fields, id=entry_id) for entry_id, fields in entries]
