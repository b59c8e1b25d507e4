"""Putting reminders on the durable queue (arq on Redis).

A job's id is the reminder's id, so scheduling the same reminder twice (a retried
filing, two processes planning the same campaign) queues it once. The due time is
on the assistant's clock; the queue runs on the real one.
"""
from __future__ import annotations

from datetime import datetime

from arq.connections import ArqRedis

from proactive.clock import LOCAL_TZ, Clock
from state.reminders import Reminder

JOB_FUNCTION = "send_reminder"


class ReminderQueue:
    def __init__(self, pool: ArqRedis, prefix: str, queue_name: str, clock: Clock) -> None:
        self._pool = pool
        self.clock = clock
        self._prefix = prefix
        self.queue_name = queue_name

    def job_id(self, reminder_id: str, tag: str = "") -> str:
        return f"{self._prefix}:reminder:{reminder_id}{tag}"

    async def schedule(self, reminder: Reminder, at: datetime | None = None, tag: str = "") -> bool:
        """True when queued now; False when this reminder (with this tag) already was."""
        due = at or datetime.fromtimestamp(reminder.due, LOCAL_TZ)
        job = await self._pool.enqueue_job(
            JOB_FUNCTION, reminder.to_json(), _job_id=self.job_id(reminder.reminder_id, tag),
            _queue_name=self.queue_name, _defer_until=self.clock.real_moment(due))
        return job is not None

    async def waiting(self) -> int:
        return await self._pool.zcard(self.queue_name)
