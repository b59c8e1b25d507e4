"""What residents agreed to be reminded of, and every proactive message sent to them.

Shared by the action server (consent is given in the dialogue), the channels
(退订 is honoured wherever it is said), the scheduler (which checks all of it just
before sending) and the staff console (delivery and replies of a campaign).

- consent: one hash per channel identity beside the remembered profile
  (`<prefix>:proactive:consent:<channel>:<sender>`), one field per kind of reminder,
  plus `optout` once the resident said 退订; an opt-out wins over every kind.
- sends: a record per message (sent, failed, skipped and why), in one capped stream,
  with the recipient masked; a `sent:<id>` marker makes a message go out once only.
- caps: the times of recent messages per resident, for the frequency cap.
- pending replies: what the last reminder was about (which appointment, which
  elder), so "1" / "2" answered to it reach the right conversation with context.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import redis.asyncio as aioredis

KINDS = ("appointment", "pension_cert", "allowance80", "campaign")
SENDS_MAXLEN = 200_000
PENDING_REPLY_S = 3 * 24 * 3600
CAP_WINDOW_S = 7 * 24 * 3600


_RESERVE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, tonumber(ARGV[1]) - tonumber(ARGV[4]))
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""


def who(channel: str, sender: str) -> str:
    """A resident in ids and job names: stable, and not their openid or number."""
    return hashlib.sha256(f"{channel}:{sender}".encode()).hexdigest()[:16]


def mask_recipient(recipient: str) -> str:
    """Enough to tell records apart in a log; never a whole id or number."""
    return f"{recipient[:4]}…{recipient[-2:]}" if len(recipient) > 8 else "…"


@dataclass
class Reminder:
    """One message to one resident, due at `due` (UTC epoch seconds, assistant's clock)."""
    reminder_id: str
    kind: str
    channel: str
    sender: str
    text: str
    due: float
    context: dict[str, Any] = field(default_factory=dict)
    campaign_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Reminder":
        return cls(**data)


class ProactiveState:
    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._p = f"{prefix}:proactive:"

    # --- consent -----------------------------------------------------------
    def _consent_key(self, channel: str, sender: str) -> str:
        return f"{self._p}consent:{channel}:{sender}"

    async def grant(self, channel: str, sender: str, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown reminder kind {kind!r}")
        key = self._consent_key(channel, sender)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, kind, f"{time.time():.0f}")
            pipe.hdel(key, "optout")  # agreeing again after 退订 is a new, explicit yes
            await pipe.execute()

    async def revoke(self, channel: str, sender: str, kind: str) -> None:
        await self._redis.hdel(self._consent_key(channel, sender), kind)

    async def opt_out(self, channel: str, sender: str) -> None:
        """退订: every kind, at once; pending scheduled messages are dropped when due."""
        key = self._consent_key(channel, sender)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, "optout", f"{time.time():.0f}")
            pipe.delete(self._pending_key(channel, sender))
            await pipe.execute()

    async def forget(self, channel: str, sender: str) -> None:
        """忘记我的信息: consent, answers, the open offer and the pending reply, all gone;
        with no consent left, nothing scheduled is sent."""
        await self._redis.delete(self._consent_key(channel, sender),
                                 self._offer_key(channel, sender),
                                 self._pending_key(channel, sender))

    async def decline(self, channel: str, sender: str, kind: str) -> None:
        """Said no when asked: kept so the question is not asked again."""
        await self._redis.hset(self._consent_key(channel, sender), f"no:{kind}", f"{time.time():.0f}")

    async def unanswered(self, channel: str, sender: str, kinds: list[str]) -> list[str]:
        """The kinds never asked about (none at all after 退订: it is not asked again)."""
        held = await self.consents(channel, sender)
        if "optout" in held:
            return []
        return [k for k in kinds if k not in held and f"no:{k}" not in held]

    # --- the question after filing, until it is answered -------------------
    def _offer_key(self, channel: str, sender: str) -> str:
        return f"{self._p}offer:{channel}:{sender}"

    async def save_offer(self, channel: str, sender: str, offer: dict[str, Any]) -> None:
        await self._redis.set(self._offer_key(channel, sender),
                              json.dumps(offer, ensure_ascii=False), ex=24 * 3600)

    async def take_offer(self, channel: str, sender: str) -> dict[str, Any] | None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(self._offer_key(channel, sender))
            pipe.delete(self._offer_key(channel, sender))
            raw, _ = await pipe.execute()
        return json.loads(raw) if raw else None

    async def consents(self, channel: str, sender: str) -> dict[str, str]:
        return await self._redis.hgetall(self._consent_key(channel, sender))

    async def allowed(self, channel: str, sender: str, kind: str) -> bool:
        held = await self.consents(channel, sender)
        return "optout" not in held and kind in held

    # --- sends ------------------------------------------------------------
    async def already_sent(self, reminder_id: str) -> bool:
        return bool(await self._redis.exists(f"{self._p}sent:{reminder_id}"))

    async def mark_sent(self, reminder_id: str) -> bool:
        """True for the first caller only: the message counts as gone out."""
        return bool(await self._redis.set(f"{self._p}sent:{reminder_id}", "1", nx=True,
                                          ex=400 * 24 * 3600))

    async def unmark_sent(self, reminder_id: str) -> None:
        """The send failed and will be tried again."""
        await self._redis.delete(f"{self._p}sent:{reminder_id}")

    async def record(self, reminder: Reminder, outcome: str, detail: str = "") -> None:
        entry = {"reminder_id": reminder.reminder_id, "kind": reminder.kind,
                 "channel": reminder.channel, "to": mask_recipient(reminder.sender),
                 "campaign_id": reminder.campaign_id, "outcome": outcome,
                 "detail": detail, "at": f"{time.time():.3f}"}
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xadd(f"{self._p}sends", entry, maxlen=SENDS_MAXLEN, approximate=True)
            if reminder.campaign_id:
                pipe.hincrby(f"{self._p}campaign:{reminder.campaign_id}:counts", outcome, 1)
            await pipe.execute()

    async def sends(self, count: int = 1000) -> list[dict[str, str]]:
        return [fields for _, fields in await self._redis.xrevrange(f"{self._p}sends", count=count)]

    async def campaign_counts(self, campaign_id: str) -> dict[str, int]:
        raw = await self._redis.hgetall(f"{self._p}campaign:{campaign_id}:counts")
        return {k: int(v) for k, v in raw.items()}

    async def count_reply(self, campaign_id: str) -> None:
        await self._redis.hincrby(f"{self._p}campaign:{campaign_id}:counts", "replied", 1)

    # --- frequency cap ------------------------------------------------------
    async def reserve_cap(self, channel: str, sender: str, now: float, reminder_id: str,
                          limit: int) -> bool:
        """Takes one of the resident's `limit` places in the last 7 days, atomically, so
        two scheduler processes never send one message more than the cap allows."""
        return bool(await self._redis.eval(
            _RESERVE, 1, f"{self._p}cap:{channel}:{sender}", f"{now:.3f}", reminder_id,
            str(limit), str(CAP_WINDOW_S)))

    async def release_cap(self, channel: str, sender: str, reminder_id: str) -> None:
        await self._redis.zrem(f"{self._p}cap:{channel}:{sender}", reminder_id)

    # --- replies ------------------------------------------------------------
    def _pending_key(self, channel: str, sender: str) -> str:
        return f"{self._p}pending:{channel}:{sender}"

    async def expect_reply(self, reminder: Reminder) -> None:
        context = dict(reminder.context, reminder_id=reminder.reminder_id, kind=reminder.kind,
                       campaign_id=reminder.campaign_id)
        await self._redis.set(self._pending_key(reminder.channel, reminder.sender),
                              json.dumps(context, ensure_ascii=False), ex=PENDING_REPLY_S)

    async def pending_reply(self, channel: str, sender: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._pending_key(channel, sender))
        return json.loads(raw) if raw else None

    async def reply_handled(self, channel: str, sender: str) -> None:
        await self._redis.delete(self._pending_key(channel, sender))
