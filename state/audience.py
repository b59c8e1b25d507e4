"""Who may receive the centre's notices, and what a campaign may select them by.

Only residents who agreed to notices (the `campaign` kind of consent) are here,
each with what they agreed to let the centre use: the services they used here,
estate and building, the birth year (for an age band; never the ID number) and
the channel. Selection returns channel identities; staff see counts only.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import AsyncIterator

import redis.asyncio as aioredis


@dataclass
class Member:
    channel: str
    sender: str
    services: list[str] = field(default_factory=list)
    estate: str = ""
    building: str = ""
    birth_year: int = 0


@dataclass
class Target:
    service: str = ""
    estate: str = ""
    building: str = ""
    age_min: int = 0
    age_max: int = 0
    channel: str = ""

    def matches(self, m: Member, this_year: int) -> bool:
        if self.service and self.service not in m.services:
            return False
        if self.estate and self.estate != m.estate:
            return False
        if self.building and self.building != m.building:
            return False
        if self.channel and self.channel != m.channel:
            return False
        if self.age_min or self.age_max:
            if not m.birth_year:
                return False
            age = this_year - m.birth_year
            if age < self.age_min or (self.age_max and age > self.age_max):
                return False
        return True


class AudienceIndex:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._key = f"{prefix}:proactive:audience"

    async def add(self, member: Member) -> None:
        """Adds or updates; services used accumulate."""
        ident = f"{member.channel}|{member.sender}"
        old = await self._redis.hget(self._key, ident)
        if old:
            member.services = sorted(set(json.loads(old).get("services", [])) | set(member.services))
        await self._redis.hset(self._key, ident, json.dumps(asdict(member), ensure_ascii=False))

    async def add_many(self, members: list[Member]) -> None:
        await self._redis.hset(self._key, mapping={
            f"{m.channel}|{m.sender}": json.dumps(asdict(m), ensure_ascii=False) for m in members})

    async def remove(self, channel: str, sender: str) -> None:
        await self._redis.hdel(self._key, f"{channel}|{sender}")

    async def members(self, batch: int = 2000) -> AsyncIterator[Member]:
        async for _, raw in self._redis.hscan_iter(self._key, count=batch):
            yield Member(**json.loads(raw))

    async def select(self, target: Target, this_year: int) -> list[Member]:
        return [m async for m in self.members() if target.matches(m, this_year)]
