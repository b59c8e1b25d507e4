"""Campaigns staff compose in the console: a notice for a target group, sent later.

Preview gives counts only (who matches, who can be reached, who said 退订); the
list of residents never leaves this module. Scheduling puts one job per resident
on the reminder queue (ids from campaign and resident, so scheduling twice sends
once), where consent, quiet hours and the cap are checked again at sending time.
"""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import redis.asyncio as aioredis

from proactive.queue import ReminderQueue
from proactive.texts import campaign_text
from state.audience import AudienceIndex, Member, Target
from state.reminders import ProactiveState, Reminder, who

ENQUEUE_CONCURRENCY = 100


@dataclass
class Campaign:
    campaign_id: str
    title: str
    body: str
    target: Target
    send_at: str          # ISO local time, on the assistant's clock
    created_by: str
    created_at: float
    recipients: int = 0
    scheduling_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Campaign":
        return cls(**{**data, "target": Target(**data["target"])})


class Campaigns:
    def __init__(self, redis: aioredis.Redis, prefix: str, audience: AudienceIndex,
                 state: ProactiveState, queue: ReminderQueue) -> None:
        self._redis = redis
        self._key = f"{prefix}:proactive:campaigns"
        self._audience = audience
        self._state = state
        self._queue = queue
        self.clock = queue.clock

    async def _reachable(self, target: Target) -> tuple[list[Member], int, int]:
        """(members who agreed to notices and did not opt out, matching, opted out)."""
        matching = await self._audience.select(target, self._queue.clock.now().year)
        keep, opted_out = [], 0
        for start in range(0, len(matching), 1000):
            chunk = matching[start:start + 1000]
            held = await asyncio.gather(*(self._state.consents(m.channel, m.sender) for m in chunk))
            for member, consent in zip(chunk, held):
                if "optout" in consent:
                    opted_out += 1
                elif "campaign" in consent:
                    keep.append(member)
        return keep, len(matching), opted_out

    async def preview(self, target: Target) -> dict[str, Any]:
        keep, matching, opted_out = await self._reachable(target)
        by_channel: dict[str, int] = {}
        for member in keep:
            by_channel[member.channel] = by_channel.get(member.channel, 0) + 1
        return {"matching": matching, "reachable": len(keep), "opted_out": opted_out,
                "by_channel": by_channel}

    async def create(self, title: str, body: str, target: Target, send_at: datetime,
                     created_by: str) -> Campaign:
        started = time.perf_counter()
        campaign = Campaign(uuid.uuid4().hex[:12], title, body, target,
                            send_at.isoformat(timespec="minutes"), created_by, time.time())
        keep, _, _ = await self._reachable(target)
        text = campaign_text(body)
        reminders = [Reminder(f"campaign:{campaign.campaign_id}:{who(m.channel, m.sender)}", "campaign",
                              m.channel, m.sender, text, send_at.timestamp(),
                              {"campaign": title}, campaign.campaign_id) for m in keep]
        for start in range(0, len(reminders), ENQUEUE_CONCURRENCY):
            await asyncio.gather(*(self._queue.schedule(r, send_at)
                                   for r in reminders[start:start + ENQUEUE_CONCURRENCY]))
        campaign.recipients = len(reminders)
        campaign.scheduling_s = round(time.perf_counter() - started, 3)
        await self._redis.hset(self._key, campaign.campaign_id,
                               json.dumps(campaign.to_json(), ensure_ascii=False))
        return campaign

    async def list(self) -> list[dict[str, Any]]:
        found = [Campaign.from_json(json.loads(raw)) for raw in (await self._redis.hgetall(self._key)).values()]
        found.sort(key=lambda c: c.created_at, reverse=True)
        return [{**c.to_json(), "counts": await self._state.campaign_counts(c.campaign_id)}
                for c in found]
