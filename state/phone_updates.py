"""Case status changes waiting for a phone caller's next call.

A phone caller cannot be pushed to: when staff change the status of a case filed
on the hotline, the Rasa server (the voice channel's notification sender) keeps
the news here, and the voice gateway speaks it right after the greeting of the
caller's next call, then marks it heard. Two processes share it, so it lives
below both.

Cases are filed under the call's conversation (`voice:<call id>`), and every call
has a new one; what stays the same from call to call is the caller's number. The
gateway records, for every call with a number, which caller the conversation
belongs to (`remember_call`); a status change for that conversation is then kept
for the caller (`keep`) and read at any later call from the same number
(`pending`, then `heard` once it has been spoken).

The caller is stored as a digest of the number (`caller_key`), so no phone number
is written to Redis keys or values here, nor logged. Everything expires after
TTL_S (a case's status may change weeks after the call that filed it): the call →
caller record after TTL_S from the call, the pending news after TTL_S without a
new change.

Keys (prefix REDIS_KEY_PREFIX):
  <prefix>:voice:caller:<conversation id>   the caller's digest
  <prefix>:voice:updates:<caller digest>    hash: sequence number → the words to speak
  <prefix>:voice:updates:seq                the sequence
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import redis.asyncio as aioredis

TTL_S = 90 * 24 * 3600
_NOT_DIGITS = re.compile(r"\D")


def caller_key(number: str) -> str:
    """One digest per phone line, whichever way the network wrote its number
    (+86 138…, 0086138…, 138…)."""
    digits = _NOT_DIGITS.sub("", number)
    for country in ("0086", "86"):
        if digits.startswith(country) and len(digits) - len(country) == 11:
            digits = digits[len(country):]
            break
    return hashlib.sha256(f"caller:{digits}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Update:
    seq: int
    text: str


class PhoneUpdates:
    def __init__(self, redis: aioredis.Redis, prefix: str, ttl_s: int = TTL_S) -> None:
        self._redis = redis
        self._caller = f"{prefix}:voice:caller:"
        self._updates = f"{prefix}:voice:updates:"
        self._seq = f"{prefix}:voice:updates:seq"
        self._ttl_s = ttl_s

    async def remember_call(self, conversation_id: str, caller_number: str) -> None:
        """The conversation `conversation_id` is a call from `caller_number`."""
        await self._redis.set(self._caller + conversation_id, caller_key(caller_number),
                              ex=self._ttl_s)

    async def keep(self, conversation_id: str, text: str) -> bool:
        """Keep `text` for the next call of the caller of `conversation_id`; False when
        that conversation's caller is not known (no number, or the record expired)."""
        caller = await self._redis.get(self._caller + conversation_id)
        if not caller:
            return False
        seq = await self._redis.incr(self._seq)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._updates + caller, str(seq), text)
            pipe.expire(self._updates + caller, self._ttl_s)
            await pipe.execute()
        return True

    async def pending(self, caller_number: str) -> list[Update]:
        """What the caller has not heard yet, oldest first."""
        raw = await self._redis.hgetall(self._updates + caller_key(caller_number))
        return sorted((Update(int(seq), text) for seq, text in raw.items()), key=lambda u: u.seq)

    async def heard(self, caller_number: str, updates: list[Update]) -> None:
        """The caller heard these; news kept since they were read stays pending."""
        if updates:
            await self._redis.hdel(self._updates + caller_key(caller_number),
                                   *(str(u.seq) for u in updates))
