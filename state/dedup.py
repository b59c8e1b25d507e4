"""Process each delivery of a message once, whatever the retries.

Messaging platforms retry a message they got no answer to in time (WeChat: three
tries within about 15 s), and the retries may arrive while the first delivery is
still being processed, possibly on another worker. The first delivery claims the
message's key with Redis `SET NX` (atomic across processes); every later delivery
finds the claim and must not hand the message to the assistant again. The claim
records how the first delivery ended so a retry can tell what happened.
"""
from __future__ import annotations

import redis.asyncio as aioredis

PROCESSING = "processing"
ANSWERED = "answered"   # replied passively, inside the platform's time limit
DEFERRED = "deferred"   # acknowledged; replies go out through the push API


class MessageDedup:
    def __init__(self, redis: aioredis.Redis, prefix: str, ttl_s: int = 600) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:dedup:"
        self._ttl_s = ttl_s

    async def claim(self, key: str) -> bool:
        """True for the first delivery of `key`; False for every later one."""
        return bool(await self._redis.set(self._prefix + key, PROCESSING,
                                          nx=True, ex=self._ttl_s))

    async def finish(self, key: str, outcome: str) -> None:
        """Record how the claimed delivery ended (only if the claim still exists)."""
        await self._redis.set(self._prefix + key, outcome, xx=True, ex=self._ttl_s)

    async def state(self, key: str) -> str | None:
        return await self._redis.get(self._prefix + key)

    async def release(self, key: str) -> None:
        """Give up a claim whose message never reached the assistant, so a retry may."""
        await self._redis.delete(self._prefix + key)
