"""One resident across channels, for 退订 and 忘记我的信息.

The assistant knows a resident per channel identity (`wechat:<openid>`,
`webchat:<id>`, `rest:<sender>`, `voice:<call>`): the remembered profile, the
consent to reminders and the audience entry are each kept per identity. Two
identities are the same resident when they gave the same phone number with
consent, either
- as the phone of their remembered profile (kept on 好 after a case), or
- as the phone on a case whose reminders they agreed to.

Only a digest of the number is kept for the link (`<prefix>:resident:phone:<digest>`
holds the identities, `<prefix>:resident:of:<channel>|<sender>` the digests of one
identity). A link is one step: identities that share a number with this one.

退订 said on any identity stops reminders and notices on every linked one;
忘记我的信息 forgets the profile, consent, audience entry and links of every linked
one, so nothing is sent afterwards.
"""
from __future__ import annotations

import hashlib
import re

import redis.asyncio as aioredis

LINK_TTL_S = 400 * 24 * 3600  # as long as a yearly reminder may wait, and a little more

Identity = tuple[str, str]  # (channel, sender)


def phone_digest(phone: str) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 7:  # not a number that could tell two residents apart
        return None
    return hashlib.sha256(f"phone:{digits[-11:]}".encode()).hexdigest()[:24]


class ResidentLinks:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._p = f"{prefix}:resident:"

    def _phone_key(self, digest: str) -> str:
        return f"{self._p}phone:{digest}"

    def _of_key(self, channel: str, sender: str) -> str:
        return f"{self._p}of:{channel}|{sender}"

    async def link(self, channel: str, sender: str, phone: str) -> bool:
        """This identity is reachable by `phone`; False when it is no usable number."""
        digest = phone_digest(phone)
        if digest is None:
            return False
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.sadd(self._phone_key(digest), f"{channel}|{sender}")
            pipe.expire(self._phone_key(digest), LINK_TTL_S)
            pipe.sadd(self._of_key(channel, sender), digest)
            pipe.expire(self._of_key(channel, sender), LINK_TTL_S)
            await pipe.execute()
        return True

    async def unlink(self, channel: str, sender: str) -> None:
        digests = await self._redis.smembers(self._of_key(channel, sender))
        async with self._redis.pipeline(transaction=True) as pipe:
            for digest in digests:
                pipe.srem(self._phone_key(digest), f"{channel}|{sender}")
            pipe.delete(self._of_key(channel, sender))
            await pipe.execute()

    async def linked(self, channel: str, sender: str) -> list[Identity]:
        """This identity first, then every other one sharing a number with it."""
        found: list[Identity] = [(channel, sender)]
        for digest in sorted(await self._redis.smembers(self._of_key(channel, sender))):
            for member in sorted(await self._redis.smembers(self._phone_key(digest))):
                other = tuple(member.split("|", 1))
                if len(other) == 2 and other not in found:
                    found.append(other)  # type: ignore[arg-type]
        return found
