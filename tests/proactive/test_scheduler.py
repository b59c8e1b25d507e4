"""Reminders through the real queue: two scheduler processes, Redis, the WeChat stand-in."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.proactive.conftest import DAYTIME, NIGHT, wait_until
from tests.metrics import scrape, value
from tests.proactive.helpers import appointment_tomorrow, harness, openid

pytestmark = pytest.mark.slow


def sent_count(port: int) -> float:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("proactive_messages_total{") and 'outcome="sent"' in line)


@pytest.fixture
async def day(daytime):
    h = await harness(daytime, DAYTIME)
    yield h
    await h.close()


async def _settled(h, reminder_ids, final=("sent", "failed", "skipped_consent")):
    async def done():
        outcomes = [await h.outcomes(r) for r in reminder_ids]
        return all(any(o in final for o in found) for found in outcomes) and \
            await h.queue.waiting() == 0
    return await wait_until(done)


async def test_reminder_due_tomorrow_fires_once_with_two_schedulers(daytime, day):
    residents = [openid() for _ in range(12)]
    reminders = []
    for resident in residents:
        await day.state.grant("wechat", resident, "appointment")
        await day.window.touch(resident)
        reminder = appointment_tomorrow(day, resident)
        assert await day.queue.schedule(reminder)
        assert not await day.queue.schedule(reminder), "the same reminder was queued twice"
        reminders.append(reminder)
    assert await _settled(day, [r.reminder_id for r in reminders])
    for resident, reminder in zip(residents, reminders):
        got = daytime.wechat.sent_to(resident)
        assert len(got) == 1
        assert got[0].kind == "custom"          # inside the 48-hour window
        assert "回复 1 确认" in got[0].text
        assert (await day.outcomes(reminder.reminder_id)).count("sent") == 1
    # each process counts its own sends at /metrics; together, at least these twelve
    assert sum(sent_count(port) for port in daytime.metrics_ports) >= len(residents)


async def test_template_message_outside_the_window(daytime, day):
    resident = openid()
    await day.state.grant("wechat", resident, "appointment")
    reminder = appointment_tomorrow(day, resident)
    assert await day.queue.schedule(reminder)
    assert await _settled(day, [reminder.reminder_id])
    got = daytime.wechat.sent_to(resident)
    assert [s.kind for s in got] == ["template"]


async def test_opt_out_stops_a_scheduled_reminder(daytime, day):
    resident = openid()
    await day.state.grant("wechat", resident, "appointment")
    await day.window.touch(resident)
    reminder = appointment_tomorrow(day, resident, lead_s=8)
    assert await day.queue.schedule(reminder)
    await day.state.opt_out("wechat", resident)
    assert await _settled(day, [reminder.reminder_id])
    assert await day.outcomes(reminder.reminder_id) == ["skipped_consent"]
    assert daytime.wechat.sent_to(resident) == []


async def test_no_consent_no_message(daytime, day):
    resident = openid()
    await day.window.touch(resident)
    await day.state.grant("wechat", resident, "campaign")  # another kind only
    reminder = appointment_tomorrow(day, resident)
    assert await day.queue.schedule(reminder)
    assert await _settled(day, [reminder.reminder_id])
    assert await day.outcomes(reminder.reminder_id) == ["skipped_consent"]
    assert daytime.wechat.sent_to(resident) == []


async def test_failed_send_is_retried_then_shown_to_staff_once(daytime, day):
    resident = openid()
    await day.state.grant("wechat", resident, "appointment")
    await day.window.touch(resident)
    daytime.wechat.failures_left = 1000
    try:
        reminder = appointment_tomorrow(day, resident)
        assert await day.queue.schedule(reminder)
        assert await _settled(day, [reminder.reminder_id])
    finally:
        daytime.wechat.failures_left = 0
    assert await day.outcomes(reminder.reminder_id) == ["retry", "retry", "failed"]
    assert daytime.wechat.sent_to(resident) == []
    # failures are counted at /metrics of whichever scheduler took each try
    failed = [scrape(f"http://127.0.0.1:{port}/metrics") for port in daytime.metrics_ports]
    assert sum(value(m, "proactive_messages_total", outcome="failed") or 0 for m in failed) >= 1
    assert sum(value(m, "proactive_messages_total", outcome="retry") or 0 for m in failed) >= 2
    case = reminder.context["case_number"]
    tasks = [c for c in daytime.callbacks() if c.get("case_number") == case]
    assert len(tasks) == 1 and "提醒未能送达" in (tasks[0].get("note") or "")


async def test_queued_reminder_survives_a_restart_of_every_scheduler(daytime, day):
    for name in ("scheduler0", "scheduler1"):
        daytime.stop(name)
    resident = openid()
    await day.state.grant("webchat", resident, "appointment")
    reminder = appointment_tomorrow(day, resident, channel="webchat", lead_s=0)
    assert await day.queue.schedule(reminder)
    assert await day.queue.waiting() == 1
    daytime.start("scheduler0")
    daytime.start("scheduler1")
    assert await _settled(day, [reminder.reminder_id])
    stream = await day.redis.xrange(f"{daytime.prefix}:webchat:out:{resident}")
    assert len(stream) == 1 and stream[0][1]["role"] == "notice"


async def test_quiet_hours_delay_a_reminder_to_eight(night):
    h = await harness(night, NIGHT)
    try:
        resident = openid()
        await h.state.grant("wechat", resident, "appointment")
        await h.window.touch(resident)
        reminder = appointment_tomorrow(h, resident, lead_s=0)
        assert await h.queue.schedule(reminder)
        found = await wait_until(lambda: h.outcomes(reminder.reminder_id))
        assert found == ["delayed_quiet"]
        detail = [s["detail"] for s in await h.state.sends() if s["reminder_id"] == reminder.reminder_id]
        assert detail == ["2026-12-08T08:00+08:00"]
        assert night.wechat.sent_to(resident) == []
        # queued again on the real clock for the assistant's 08:00, about 10.5 hours on
        queued = await h.pool.zrange(h.queue.queue_name, 0, -1, withscores=True)
        [(_, score)] = [(j, s) for j, s in queued
                        if j.decode().startswith(h.queue.job_id(reminder.reminder_id, "@"))]
        expected = h.queue.clock.real_moment(h.queue.clock.now().replace(
            year=2026, month=12, day=8, hour=8, minute=0, second=0, microsecond=0)).timestamp()
        assert score is not None and abs(score / 1000 - expected) < 120
    finally:
        await h.close()


async def test_scheduler_metrics_show_the_queue_and_each_outcome(night):
    """What `make run` prints as the scheduler's metrics: the queue waiting (a reminder
    put off by quiet hours until 08:00), none of it overdue, and the outcome counted."""
    h = await harness(night, NIGHT)
    try:
        [port] = night.metrics_ports
        before = value(scrape(f"http://127.0.0.1:{port}/metrics"), "proactive_messages_total",
                       outcome="delayed_quiet") or 0
        resident = openid()
        await h.state.grant("wechat", resident, "appointment")
        reminder = appointment_tomorrow(h, resident, lead_s=0)
        assert await h.queue.schedule(reminder)
        assert await wait_until(lambda: h.outcomes(reminder.reminder_id)) == ["delayed_quiet"]
        waiting = await h.queue.waiting()
        assert waiting >= 1

        def reported():
            samples = scrape(f"http://127.0.0.1:{port}/metrics")
            return samples if value(samples, "proactive_queue_jobs") == waiting else None
        async def poll():
            return await asyncio.to_thread(reported)
        samples = await wait_until(poll, timeout_s=30)
        assert samples, "the queue depth never reached /metrics"
        assert value(samples, "proactive_queue_due_jobs") == 0
        assert value(samples, "proactive_queue_oldest_due_seconds") == 0
        assert value(samples, "proactive_messages_total", kind="appointment", channel="wechat",
                     outcome="delayed_quiet") == before + 1
    finally:
        await h.close()


async def test_campaign_notices_stop_at_the_weekly_cap_across_two_schedulers(daytime, day):
    from state.reminders import Reminder
    resident = openid()
    await day.state.grant("wechat", resident, "campaign")
    await day.window.touch(resident)
    await day.state.grant("wechat", resident, "appointment")
    appointment = appointment_tomorrow(day, resident, lead_s=0)
    assert await day.queue.schedule(appointment)
    assert await _settled(day, [appointment.reminder_id])
    assert await day.outcomes(appointment.reminder_id) == ["sent"]
    due = day.queue.clock.now().timestamp()
    notices = [Reminder(f"campaign:cap{i}:{resident[-6:]}", "campaign", "wechat", resident,
                        f"通知{i}", due, {}, f"cap{i}") for i in range(5)]
    for reminder in notices:
        assert await day.queue.schedule(reminder)
    assert await _settled(day, [r.reminder_id for r in notices], final=("sent", "capped"))
    outcomes = [o for r in notices for o in await day.outcomes(r.reminder_id)]
    # the appointment reminder took one of the three places in the week; the five
    # notices, due at once on two schedulers, get exactly the two left
    assert sorted(outcomes) == ["capped"] * 3 + ["sent"] * 2
    assert len(daytime.wechat.sent_to(resident)) == 3


async def test_a_resident_known_only_by_phone_becomes_a_callback_task(daytime, day):
    caller = f"voice-{openid()}"
    await day.state.grant("voice", caller, "appointment")
    reminder = appointment_tomorrow(day, caller, channel="voice")
    reminder.context["phone"] = "13900001111"
    assert await day.queue.schedule(reminder)
    assert await _settled(day, [reminder.reminder_id])
    assert await day.outcomes(reminder.reminder_id) == ["sent"]
    case = reminder.context["case_number"]
    [task] = [c for c in daytime.callbacks() if c.get("case_number") == case]
    assert task["note"].startswith("电话告知居民：提醒：") and case in task["note"]
    assert task["phone"] != "13900001111"  # masked in the list; staff reveal it (audited)
