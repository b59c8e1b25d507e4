"""Residents' remembered contact details, kept only with their consent.

One hash per channel identity (`wechat:<openid>`, `rest:<sender>`, ...),
expiring after PROFILE_TTL_SECONDS without use. Only the fields below are
kept; nothing about the cases themselves. The phone also links this identity to
the resident's others (state.residents), so 退订 and 忘记我的信息 reach all of them.
"""
from __future__ import annotations

import redis.asyncio as aioredis

from state.residents import ResidentLinks

PROFILE_FIELDS = ("person_name", "phone", "address", "building", "unit", "room")


class ProfileStore:
    def __init__(self, redis: aioredis.Redis, prefix: str, ttl_s: int) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:profile:"
        self._ttl_s = ttl_s
        self._links = ResidentLinks(redis, prefix)

    def _key(self, channel: str, sender_id: str) -> str:
        return f"{self._prefix}{channel}:{sender_id}"

    async def get(self, channel: str, sender_id: str) -> dict[str, str]:
        return await self._redis.hgetall(self._key(channel, sender_id))

    async def save(self, channel: str, sender_id: str, values: dict[str, object]) -> dict[str, str]:
        kept = {k: str(v) for k, v in values.items() if k in PROFILE_FIELDS and v not in (None, "")}
        key = self._key(channel, sender_id)
        if kept:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(key)
                pipe.hset(key, mapping=kept)
                pipe.expire(key, self._ttl_s)
                await pipe.execute()
        if kept.get("phone"):
            await self._links.link(channel, sender_id, kept["phone"])
        return kept

    async def forget(self, channel: str, sender_id: str) -> None:
        await self._redis.delete(self._key(channel, sender_id))
