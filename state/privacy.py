"""退订 and 忘记我的信息 for a resident on every channel they are linked on.

Shared by every channel (both are honoured wherever they are said, before the
dialogue sees the message). Which identities are one resident is decided by
state.residents (the same phone, given with consent).
"""
from __future__ import annotations

import redis.asyncio as aioredis

from state.audience import AudienceIndex
from state.profile import ProfileStore
from state.reminders import ProactiveState
from state.residents import Identity, ResidentLinks


class ResidentPrivacy:
    def __init__(self, redis: aioredis.Redis, prefix: str, profile_ttl_s: int) -> None:
        self.state = ProactiveState(redis, prefix)
        self.links = ResidentLinks(redis, prefix)
        self._profiles = ProfileStore(redis, prefix, profile_ttl_s)
        self._audience = AudienceIndex(redis, prefix)

    async def opt_out(self, channel: str, sender: str) -> list[Identity]:
        """Every reminder and notice stopped, on this identity and the linked ones."""
        identities = await self.links.linked(channel, sender)
        for other in identities:
            await self.state.opt_out(*other)
        return identities

    async def forget(self, channel: str, sender: str) -> list[Identity]:
        """The remembered profile, consent and audience entry of this identity and the
        linked ones, deleted; the links last."""
        identities = await self.links.linked(channel, sender)
        for other in identities:
            await self._profiles.forget(*other)
            await self.state.forget(*other)
            await self._audience.remove(*other)
        for other in identities:
            await self.links.unlink(*other)
        return identities
