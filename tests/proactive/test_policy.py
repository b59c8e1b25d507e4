"""When reminders are due and when they may go out: pure rules on local time."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bot.run import Layout, build_specs, child_env, default_layout
from bot.settings import Settings
from proactive.due_dates import DueDate, said_due_date
from proactive.planner import allowance80_reminder, appointment_reminder, pension_reminder
from proactive.policy import end_of_quiet, in_quiet_hours, pension_due

TZ = timezone(timedelta(hours=8))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_quiet_hours_from_nine_at_night_to_eight_in_the_morning():
    assert in_quiet_hours(at("2026-12-07T21:00")) and in_quiet_hours(at("2026-12-08T07:59"))
    assert not in_quiet_hours(at("2026-12-07T20:59")) and not in_quiet_hours(at("2026-12-08T08:00"))
    assert end_of_quiet(at("2026-12-07T23:10")) == at("2026-12-08T08:00")
    assert end_of_quiet(at("2026-12-08T03:00")) == at("2026-12-08T08:00")


def test_appointment_reminder_the_day_before_at_ten():
    r = appointment_reminder("C1", "residence_permit", at("2026-12-09T14:00"), "wechat", "o1",
                             at("2026-12-07T11:00"))
    assert datetime.fromtimestamp(r.due, TZ) == at("2026-12-08T10:00")
    assert r.context["case_number"] == "C1" and "12月9日 14:00" in r.text
    # filed after 10:00 the day before: no reminder
    assert appointment_reminder("C1", "residence_permit", at("2026-12-08T14:00"), "wechat", "o1",
                                at("2026-12-07T11:00")) is None
    assert appointment_reminder("C1", "property_repair", at("2026-12-09T14:00"), "wechat", "o1",
                                at("2026-12-07T11:00")) is None


def test_pension_due_a_year_after_and_reminded_from_the_first_of_that_month():
    assert pension_due(date(2024, 2, 29)) == date(2025, 2, 28)
    r = pension_reminder("C2", "张秀英", date(2026, 4, 17), "wechat", "o1", at("2026-04-17T10:00"))
    assert datetime.fromtimestamp(r.due, TZ) == at("2027-04-01T09:30")
    assert "张*英" in r.text and "张秀英" not in r.text


def test_eightieth_birthday_from_the_id_number_and_never_the_number_itself():
    id_number = "11010519470315002X"  # synthetic: born 1947-03-15
    r = allowance80_reminder(id_number, "王建国", "wechat", "o-child", at("2026-12-07T10:00"))
    assert datetime.fromtimestamp(r.due, TZ) == at("2027-03-15T10:00")
    assert id_number not in r.reminder_id and id_number not in str(r.context)
    assert allowance80_reminder("11010519400315002X", "王建国", "wechat", "o-child",
                                at("2026-12-07T10:00")) is None  # already 80


def test_make_run_starts_the_scheduler_and_prints_its_metrics_port():
    layout = Layout(5005, 5055, 8000, None, Path("/tmp/x"), Path("m.tar.gz"),
                    scheduler_metrics_port=9106)
    env = child_env(layout, "redis://x:1/0", {})
    specs = {s.name: s for s in build_specs(layout, "redis://x:1/0", env)}
    assert specs["scheduler"].argv[1:] == ["-m", "proactive"]
    # served by the scheduler itself, and the supervisor waits for it to answer
    assert specs["scheduler"].env["PROACTIVE_METRICS_PORT"] == "9106"
    assert specs["scheduler"].port == 9106
    assert layout.urls("redis://x:1/0")["Reminder metrics"].startswith("http://127.0.0.1:9106/metrics")
    assert ("reminder scheduler metrics", 9106) in layout.ports()  # checked before starting
    # the documented default of `make run`
    assert default_layout(Settings.from_env({})).scheduler_metrics_port == 9106


def test_a_due_date_the_resident_gives_is_read_only_when_it_is_one():
    today = date(2026, 12, 7)
    assert said_due_date("我的认证到明年三月到期", today) == DueDate(date(2027, 3, 31), True)
    assert said_due_date("我妈的社保认证2027年4月15日到期", today) == DueDate(date(2027, 4, 15), False)
    assert said_due_date("认证三月底到期", today).day == date(2027, 3, 31)  # the next March
    assert said_due_date("认证到期了吗", today) is None
    assert said_due_date("下周三上午十点", today) is None
    assert said_due_date("明年三月", today) is None  # no certification, no due date


def test_pension_reminder_uses_the_date_the_resident_gave():
    said = DueDate(date(2027, 3, 31), True)
    r = pension_reminder("C3", "张秀英", date(2026, 12, 7), "wechat", "o1", at("2026-12-07T10:00"), said)
    assert datetime.fromtimestamp(r.due, TZ) == at("2027-03-01T09:30")  # not 2027-12-01
    assert "2027年3月到期" in r.text and r.context["due_from"] == "resident"
