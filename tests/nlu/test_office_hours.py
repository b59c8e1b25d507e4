from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from nlu.rules.office_hours import OfficeHours

TZ = ZoneInfo("Asia/Shanghai")
# Monday 30 November 2026, 10:05.
NOW = datetime(2026, 11, 30, 10, 5, tzinfo=TZ)
HOURS = OfficeHours()


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize("moment, expected", [
    (at(1, 9, 0), True),
    (at(1, 8, 59), False),
    (at(1, 11, 59), True),
    (at(1, 12, 0), False),
    (at(1, 13, 29), False),
    (at(1, 13, 30), True),
    (at(1, 17, 29), True),
    (at(1, 17, 30), False),
    (at(5, 10, 0), False),  # Saturday
    (at(6, 10, 0), False),  # Sunday
])
def test_is_open_edges(moment: datetime, expected: bool) -> None:
    assert HOURS.is_open(moment) is expected


def test_naive_datetimes_are_centre_local_time() -> None:
    assert HOURS.is_open(datetime(2026, 12, 1, 9, 0))
    assert not HOURS.is_open(datetime(2026, 12, 1, 0, 59, tzinfo=ZoneInfo("UTC")))  # 08:59 here
    assert HOURS.is_open(datetime(2026, 12, 1, 1, 0, tzinfo=ZoneInfo("UTC")))  # 09:00 here


def test_a_time_inside_hours_is_accepted_without_suggestions() -> None:
    check = HOURS.check_appointment(at(1, 13, 30), NOW)
    assert (check.ok, check.reason_code, check.suggestions) == (True, "ok", [])


@pytest.mark.parametrize("moment, code, reason", [
    (at(1, 12, 0), "outside_hours", "12:00到13:30是午休时间"),
    (at(1, 17, 30), "outside_hours", "中心17:30就下班了"),
    (at(1, 8, 0), "outside_hours", "中心9:00才开门"),
    (at(5, 10, 0), "closed_day", "周六中心不办公"),
    (at(6, 10, 0), "closed_day", "周日中心不办公"),
    (at(30, 9, 0, month=11), "past", "这个时间已经过去了"),
    (at(31, 9, 0), "too_far", "只能预约30天以内的时间"),
])
def test_refusals_say_why_in_plain_chinese(moment: datetime, code: str, reason: str) -> None:
    check = HOURS.check_appointment(moment, NOW)
    assert (check.ok, check.reason_code, check.reason_zh) == (False, code, reason)
    assert 1 <= len(check.suggestions) <= 3


def test_the_last_day_of_the_horizon_is_still_bookable() -> None:
    assert HOURS.check_appointment(at(30, 9, 0), NOW).ok  # 30 days after 30 Nov
    assert HOURS.check_appointment(at(31, 9, 0), NOW).reason_code == "too_far"


def test_lunch_break_suggests_the_slots_either_side() -> None:
    check = HOURS.check_appointment(at(1, 12, 0), NOW)
    assert check.suggestions == [at(1, 11, 0), at(1, 11, 30), at(1, 13, 30)]


def test_after_closing_suggests_the_last_slots_and_the_next_morning() -> None:
    check = HOURS.check_appointment(at(1, 18, 0), NOW)
    assert check.suggestions == [at(1, 16, 30), at(1, 17, 0), at(2, 9, 0)]


def test_saturday_suggests_friday_afternoon_and_monday_morning() -> None:
    check = HOURS.check_appointment(at(5, 10, 0), NOW)
    assert check.suggestions == [at(4, 16, 30), at(4, 17, 0), at(7, 9, 0)]


def test_past_suggests_the_next_slots_after_now() -> None:
    check = HOURS.check_appointment(at(30, 9, 0, month=11), NOW)
    assert check.suggestions == [at(30, 10, 30, month=11), at(30, 11, 0, month=11),
                                 at(30, 11, 30, month=11)]


def test_too_far_suggests_the_last_slots_in_the_horizon() -> None:
    check = HOURS.check_appointment(at(31, 10, 0), NOW)
    assert check.suggestions == [at(30, 16, 0), at(30, 16, 30), at(30, 17, 0)]


def test_suggestions_are_valid_appointments() -> None:
    for moment in (at(5, 10, 0), at(1, 12, 0), at(2, 20, 0), at(31, 9, 0)):
        for slot in HOURS.check_appointment(moment, NOW).suggestions:
            assert HOURS.check_appointment(slot, NOW).ok
            assert slot.minute in (0, 30)


def test_holidays_are_closed_days() -> None:
    hours = OfficeHours(holidays=frozenset({date(2026, 12, 1)}))
    check = hours.check_appointment(at(1, 10, 0), NOW)
    assert (check.reason_code, check.reason_zh) == ("closed_day", "12月1日放假，中心不办公")
    assert all(slot.date() != date(2026, 12, 1) for slot in check.suggestions)


def test_slots_on_a_day_follow_the_hours() -> None:
    slots = HOURS.slots_on(date(2026, 12, 1), NOW)
    assert len(slots) == 14
    assert (slots[0], slots[5], slots[6], slots[-1]) == (
        at(1, 9, 0), at(1, 11, 30), at(1, 13, 30), at(1, 17, 0))


def test_slots_on_today_skip_the_past() -> None:
    assert HOURS.slots_on(NOW.date(), NOW)[0] == at(30, 10, 30, month=11)


def test_slots_on_part_of_a_day_for_a_half_day_answer() -> None:
    afternoon = HOURS.slots_on(date(2026, 12, 1), NOW, between=(time(12, 0), time(18, 0)))
    assert (afternoon[0], afternoon[-1], len(afternoon)) == (at(1, 13, 30), at(1, 17, 0), 8)
    morning = HOURS.slots_on(date(2026, 12, 1), NOW, between=(time(0, 0), time(12, 0)))
    assert (morning[0], morning[-1], len(morning)) == (at(1, 9, 0), at(1, 11, 30), 6)


def test_no_slots_on_closed_or_unbookable_days() -> None:
    assert HOURS.slots_on(date(2026, 12, 5), NOW) == []
    assert HOURS.slots_on(date(2026, 11, 27), NOW) == []
    assert HOURS.slots_on(date(2027, 1, 4), NOW) == []


def test_describe() -> None:
    assert HOURS.describe() == "周一至周五 上午9:00-12:00，下午13:30-17:30"


def test_from_env_reads_hours_horizon_and_holidays() -> None:
    hours = OfficeHours.from_env({
        "OFFICE_HOURS": "mon-wed,sat 08:30-11:30,14:00-18:00",
        "APPOINTMENT_HORIZON_DAYS": "14",
        "OFFICE_HOLIDAYS": "2026-12-02, 2026-12-03",
    })
    assert hours.weekdays == frozenset({0, 1, 2, 5})
    assert hours.periods == [(time(8, 30), time(11, 30)), (time(14, 0), time(18, 0))]
    assert hours.horizon_days == 14
    assert hours.holidays == frozenset({date(2026, 12, 2), date(2026, 12, 3)})
    assert hours.describe() == "周一、周二、周三、周六 上午8:30-11:30，下午14:00-18:00"
    assert hours.check_appointment(at(5, 8, 30), NOW).ok
    assert hours.check_appointment(at(15, 9, 0), NOW).reason_code == "too_far"


def test_from_env_defaults_when_unset() -> None:
    hours = OfficeHours.from_env({})
    assert replace(hours, holidays=frozenset()) == OfficeHours()
    # the fixed-date statutory holidays close the centre unless a year's list is given
    assert date(2027, 1, 1) in hours.holidays and date(2027, 10, 3) in hours.holidays
    listed = OfficeHours.from_env({"OFFICE_HOLIDAYS": "2027-02-08"})
    assert listed.holidays == frozenset({date(2027, 2, 8)})


@pytest.mark.parametrize("spec", ["mon-fri", "mon-fri 9-12", "monday 09:00-12:00",
                                  "mon-fri 12:00-09:00"])
def test_from_env_rejects_bad_specs(spec: str) -> None:
    with pytest.raises(ValueError, match="OFFICE_HOURS"):
        OfficeHours.from_env({"OFFICE_HOURS": spec})
