"""One due reminder: checked against consent, quiet hours and the cap, then sent once.

Outcomes recorded for every job (state.reminders): `sent`, `skipped_consent`
(no consent, or 退订), `delayed_quiet` (queued again for 08:00), `capped`,
`unreachable`, `retry`, `failed` (after the last try; staff get a callback task,
the resident is not sent it again), `duplicate` (already sent).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from arq import Retry
from prometheus_client import Counter

from proactive.delivery import Channels
from proactive.policy import end_of_quiet, in_quiet_hours
from proactive.queue import ReminderQueue
from proactive.settings import ProactiveSettings
from state.reminders import ProactiveState, Reminder, mask_recipient

logger = logging.getLogger(__name__)
SENDS = Counter("proactive_messages_total", "Proactive messages by kind, channel and outcome",
                ["kind", "channel", "outcome"])
UNCAPPED = 1_000_000
EXPECTS_REPLY = ("appointment", "pension_cert", "allowance80", "campaign")


class ReminderSender:
    def __init__(self, state: ProactiveState, channels: Channels, queue: ReminderQueue,
                 settings: ProactiveSettings) -> None:
        self._state = state
        self._channels = channels
        self._queue = queue
        self._settings = settings

    async def run(self, reminder: Reminder, job_try: int) -> str:
        outcome = await self._gate(reminder)
        if outcome is None:
            outcome = await self._deliver(reminder, job_try)
        SENDS.labels(reminder.kind, reminder.channel, outcome).inc()
        logger.info("reminder %s (%s, %s, to %s): %s", reminder.reminder_id, reminder.kind,
                    reminder.channel, mask_recipient(reminder.sender), outcome)
        return outcome

    async def _gate(self, reminder: Reminder) -> str | None:
        """Why not to send now, recorded; None when it may go."""
        state = self._state
        if await state.already_sent(reminder.reminder_id):
            return "duplicate"
        if not await state.allowed(reminder.channel, reminder.sender, reminder.kind):
            await state.record(reminder, "skipped_consent")
            return "skipped_consent"
        now = self._queue.clock.now()
        if in_quiet_hours(now):
            resume = end_of_quiet(now)
            # A tag per attempt: a follow-up that wakes a moment early (clocks of two
            # processes started apart) queues yet another, never collides with itself.
            await self._queue.schedule(reminder, resume, tag=f"@{now:%Y%m%d%H%M%S}")
            await state.record(reminder, "delayed_quiet", resume.isoformat(timespec="minutes"))
            return "delayed_quiet"
        if not self._channels.can_reach(reminder.channel):
            await state.record(reminder, "unreachable")
            return "unreachable"
        # Reminders the resident asked for count towards the cap but are never refused
        # by it; notices from campaigns are.
        limit = self._settings.weekly_cap if reminder.kind == "campaign" else UNCAPPED
        if not await state.reserve_cap(reminder.channel, reminder.sender, now.timestamp(),
                                       reminder.reminder_id, limit):
            await state.record(reminder, "capped")
            return "capped"
        return None

    async def _deliver(self, reminder: Reminder, job_try: int) -> str:
        """Claimed before sending: a process that dies mid-send leaves the message
        unsent rather than sent twice; a resident never gets two."""
        state = self._state
        if not await state.mark_sent(reminder.reminder_id):
            await state.release_cap(reminder.channel, reminder.sender, reminder.reminder_id)
            return "duplicate"
        if await self._channels.send(reminder):
            if reminder.kind in EXPECTS_REPLY:
                await state.expect_reply(reminder)
            await state.record(reminder, "sent")
            return "sent"
        await state.release_cap(reminder.channel, reminder.sender, reminder.reminder_id)
        if job_try < self._settings.max_tries:
            await state.unmark_sent(reminder.reminder_id)
            await state.record(reminder, "retry", f"try {job_try}")
            SENDS.labels(reminder.kind, reminder.channel, "retry").inc()
            raise Retry(defer=timedelta(seconds=self._settings.retry_base_s * 2 ** (job_try - 1)))
        # Shown to staff; the resident is not sent it again.
        await self._channels.backoffice.callback(
            reminder, f"提醒未能送达（{reminder.channel}），请联系居民：{reminder.text}")
        await state.record(reminder, "failed", f"after {job_try} tries")
        return "failed"
