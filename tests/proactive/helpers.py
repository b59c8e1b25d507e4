"""The test's side of the scheduler: the same queue and state the assistant writes."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis.asyncio as aioredis
from arq.connections import ArqRedis, RedisSettings, create_pool

from proactive.clock import Clock
from proactive.planner import appointment_reminder
from proactive.queue import ReminderQueue
from state.reminders import ProactiveState, Reminder
from state.wechat import ContactWindow


@dataclass
class Harness:
    state: ProactiveState
    queue: ReminderQueue
    window: ContactWindow
    redis: aioredis.Redis
    pool: ArqRedis

    async def close(self) -> None:
        await self.pool.close()
        await self.redis.close()

    async def outcomes(self, reminder_id: str) -> list[str]:
        return [s["outcome"] for s in reversed(await self.state.sends())
                if s["reminder_id"] == reminder_id]


async def harness(stack, clock_start: str) -> Harness:
    aio = aioredis.from_url(stack.redis_url, decode_responses=True)
    pool = await create_pool(RedisSettings.from_dsn(stack.redis_url))
    queue = ReminderQueue(pool, stack.prefix, f"{stack.prefix}:proactive:jobs", Clock(clock_start))
    return Harness(ProactiveState(aio, stack.prefix), queue, ContactWindow(aio, stack.prefix), aio, pool)


def openid() -> str:
    return "o" + uuid.uuid4().hex[:27]


def appointment_tomorrow(h: Harness, sender: str, channel: str = "wechat",
                         lead_s: float = 2.0, case_number: str = "") -> Reminder:
    """An appointment tomorrow at the time that makes its reminder due in `lead_s` seconds."""
    now = h.queue.clock.now()
    due = now + timedelta(seconds=lead_s)
    appointment = datetime.combine(due.date() + timedelta(days=1), due.time(), tzinfo=due.tzinfo)
    filed = now - timedelta(days=2)
    reminder = appointment_reminder(case_number or f"C{uuid.uuid4().hex[:8].upper()}", "residence_permit",
                                    appointment, channel, sender, filed)
    # Planned as due the day before at 10:00; moved to exactly lead_s from now.
    reminder.due = due.timestamp()
    return reminder
