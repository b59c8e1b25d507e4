"""Which staff member has taken over which conversation.

One key per conversation, set with NX so two staff members can never hold the
same conversation; the console, the web chat and the notifier can all read it.
"""
from __future__ import annotations

import redis.asyncio as aioredis

# A takeover nobody hands back (browser closed, staff gone home) frees itself.
TAKEOVER_TTL_S = 12 * 3600

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class Takeovers:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._key = f"{prefix}:takeover:"

    async def claim(self, conversation_id: str, owner: str) -> str:
        """Take the conversation; returns who holds it now (`owner` when it worked)."""
        key = self._key + conversation_id
        if await self._redis.set(key, owner, nx=True, ex=TAKEOVER_TTL_S):
            return owner
        return await self._redis.get(key) or await self.claim(conversation_id, owner)

    async def owner(self, conversation_id: str) -> str | None:
        return await self._redis.get(self._key + conversation_id)

    async def owners(self, conversation_ids: list[str]) -> dict[str, str | None]:
        if not conversation_ids:
            return {}
        values = await self._redis.mget([self._key + c for c in conversation_ids])
        return dict(zip(conversation_ids, values))

    async def release(self, conversation_id: str, owner: str) -> bool:
        """Free the conversation only if `owner` still holds it."""
        return bool(await self._redis.eval(_RELEASE, 1, self._key + conversation_id, owner))
