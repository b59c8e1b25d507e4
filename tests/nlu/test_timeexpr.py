import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.rules.timeexpr import TimeMatch, find_times
from nlu.rules.timepick import resolve_time

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 12, 7, 9, 30, tzinfo=TZ)
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=TZ)
SUNDAY = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)
MONDAY_AFTERNOON = datetime(2026, 11, 30, 16, 0, tzinfo=TZ)


def values(text: str, now: datetime) -> list[tuple[str, str, str]]:
    return [(m.text, m.value, m.grain) for m in find_times(text, now)]


@pytest.mark.parametrize("text, value, grain", [
    ("今天", "2026-11-28", "day"),
    ("明天", "2026-11-29", "day"),
    ("后天", "2026-11-30", "day"),
    ("大后天", "2026-12-01", "day"),
    ("下周一", "2026-11-30", "day"),
    ("下下周二", "2026-12-08", "day"),
    ("三天后", "2026-12-01", "day"),
    ("12月5号", "2026-12-05", "day"),
    ("十二月五号", "2026-12-05", "day"),
    ("１２月５号", "2026-12-05", "day"),
    ("12.5", "2026-12-05", "day"),
    ("2026/12/5", "2026-12-05", "day"),
    ("月底", "2026-11-30", "day"),
    ("这个月底", "2026-11-30", "day"),
    ("下个月底", "2026-12-31", "day"),
    ("5号", "2026-12-05", "day"),
    ("12月5号下午两点", "2026-12-05T14:00", "minute"),
    ("2026-12-05 09:30", "2026-12-05T09:30", "minute"),
    ("下午两点", "2026-11-28T14:00", "minute"),
    ("十点半", "2026-11-28T10:30", "minute"),
    ("两点一刻", "2026-11-28T14:15", "minute"),
    ("下午3:30", "2026-11-28T15:30", "minute"),
    ("下午３：３０", "2026-11-28T15:30", "minute"),
    ("明天下午3点半", "2026-11-29T15:30", "minute"),
    ("下周三上午十点", "2026-12-02T10:00", "minute"),
    ("明早9点", "2026-11-29T09:00", "minute"),
    ("半小时后", "2026-11-28T10:30", "minute"),
    ("明天上午9点到10点", "2026-11-29T09:00", "minute"),
    ("马上", "2026-11-28T10:00", "minute"),
    ("一会儿", "2026-11-28T10:00", "minute"),
    ("现在", "2026-11-28T10:00", "minute"),
])
def test_resolves_against_saturday_morning(text: str, value: str, grain: str) -> None:
    match = resolve_time(text, SATURDAY)
    assert match is not None, text
    assert (match.value, match.grain, match.has_time) == (value, grain, grain == "minute")
    assert match.text == text


@pytest.mark.parametrize("text, value", [
    ("明天上午", "2026-11-29T09:00"),
    ("明天下午", "2026-11-29T14:00"),
    ("明晚", "2026-11-29T19:00"),
    ("12月5号下午", "2026-12-05T14:00"),
    ("上午", "2026-11-28T09:00"),  # still morning at 10:00, so today
])
def test_half_days_start_at_a_fixed_hour_without_claiming_a_time(text: str, value: str) -> None:
    match = resolve_time(text, SATURDAY)
    assert (match.value, match.grain, match.has_time) == (value, "halfday", False)


def test_this_friday_said_on_a_saturday_is_the_coming_friday() -> None:
    assert values("这周五", SATURDAY) == [("这周五", "2026-12-04", "day")]
    assert values("星期五", SATURDAY) == [("星期五", "2026-12-04", "day")]


def test_a_bare_weekday_means_the_next_one() -> None:
    assert values("周三", SATURDAY) == [("周三", "2026-12-02", "day")]
    assert values("周三", MONDAY_AFTERNOON) == [("周三", "2026-12-02", "day")]
    # Monday's morning is over at 16:00, so 周一上午 is next week's.
    assert values("周一上午", MONDAY_AFTERNOON) == [("周一上午", "2026-12-07T09:00", "halfday")]


def test_weekend_is_its_saturday() -> None:
    assert values("周末", SATURDAY) == [("周末", "2026-11-28", "day")]
    assert values("周末", SUNDAY) == [("周末", "2026-12-05", "day")]
    assert values("下周末", MONDAY_AFTERNOON) == [("下周末", "2026-12-12", "day")]


def test_dates_already_past_this_year_are_next_years() -> None:
    december = datetime(2026, 12, 20, 9, 0, tzinfo=TZ)
    assert values("12月5号", december) == [("12月5号", "2027-12-05", "day")]
    assert values("12.5", december) == [("12.5", "2027-12-05", "day")]
    assert values("元旦", SATURDAY) == [("元旦", "2027-01-01", "day")]
    assert values("3月1号", SATURDAY) == [("3月1号", "2027-03-01", "day")]


def test_a_day_of_month_already_past_is_next_months() -> None:
    assert values("28号", SUNDAY) == [("28号", "2026-12-28", "day")]


def test_a_clock_time_already_past_today_is_tomorrows() -> None:
    assert values("9点30", SATURDAY) == [("9点30", "2026-11-29T09:30", "minute")]
    assert values("上午", MONDAY_AFTERNOON) == [("上午", "2026-12-01T09:00", "halfday")]
    lunchtime = datetime(2026, 11, 30, 12, 30, tzinfo=TZ)
    assert values("上午", lunchtime) == [("上午", "2026-12-01T09:00", "halfday")]


def test_eleven_oclock_is_not_national_day() -> None:
    noon = datetime(2026, 11, 30, 12, 0, tzinfo=TZ)
    assert values("十一点", noon) == [("十一点", "2026-12-01T11:00", "minute")]
    assert values("十一", noon) == [("十一", "2027-10-01", "day")]


def test_bare_small_hours_are_afternoon() -> None:
    assert values("3点", SATURDAY) == [("3点", "2026-11-28T15:00", "minute")]
    assert values("明天两点", SATURDAY) == [("明天两点", "2026-11-29T14:00", "minute")]
    assert values("凌晨3点", SATURDAY)[0][1] == "2026-11-29T03:00"


def test_explicit_past_is_kept_as_said() -> None:
    assert values("上周三", SATURDAY) == [("上周三", "2026-11-18", "day")]
    assert values("今天上午", MONDAY_AFTERNOON) == [("今天上午", "2026-11-30T09:00", "halfday")]
    assert values("2025年12月5号", SATURDAY) == [("2025年12月5号", "2025-12-05", "day")]
    assert values("2025/12/5", SATURDAY) == [("2025/12/5", "2025-12-05", "day")]


@pytest.mark.parametrize("text", [
    "13812345678",
    "电话13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "0755-12345678",
    "幺三八幺二三四五六七八",
    "身份证110105194912310023",
    "11010519491231002X",
    "3号楼2单元502",
    "阳光小区三号楼二单元五零二",
    "和平路12号院3号楼",
    "住十一楼",
    "我今年八十五岁",
    "每周三次",
    "12.5元",
    "说慢一点",
    "",
])
def test_not_a_time(text: str) -> None:
    assert find_times(text, SATURDAY) == []
    assert resolve_time(text, SATURDAY) is None


def test_jionlp_recovered_failures_are_not_logged_as_errors(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        assert find_times("每周三次上门助餐", SATURDAY) == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_time_next_to_a_phone_number_keeps_original_offsets() -> None:
    text = "电话１３８１２３４５６７８，明早9点来修"
    [match] = find_times(text, SATURDAY)
    assert (match.start, match.end, match.text) == (14, 18, "明早9点")
    assert text[match.start:match.end] == match.text
    assert match.value == "2026-11-29T09:00"


def test_find_times_returns_every_expression_in_order() -> None:
    found = find_times("下周一或者下周二下午两点都行", SATURDAY)
    assert [(m.text, m.value) for m in found] == [
        ("下周一", "2026-11-30"), ("下周二下午两点", "2026-12-01T14:00")]


def test_resolve_time_prefers_the_upcoming_one() -> None:
    match = resolve_time("昨天开始漏水，明天上午来修", SATURDAY)
    assert (match.text, match.value) == ("明天上午", "2026-11-29T09:00")
    assert resolve_time("上周三就坏了", SATURDAY).value == "2026-11-18"


def test_a_clock_in_a_story_gives_way_to_the_time_booked() -> None:
    # The habit (六点就上工) is neither joined to the later day nor preferred to its clock.
    match = resolve_time("我们工地一般早上六点就上工了，白天很难请假，不过下礼拜四听说要下雨不开工，"
                         "那就下礼拜四上午十点吧", SATURDAY)
    assert (match.text, match.value) == ("下礼拜四上午十点", "2026-12-03T10:00")
    assert resolve_time("十点半吧 下礼拜三", SATURDAY).value == "2026-12-02T10:30"


def test_of_two_days_offered_the_first_is_taken_at_the_clock_said() -> None:
    assert resolve_time("这周三或者周四都行 上午九点半吧", MONDAY).value == "2026-12-09T09:30"
    assert resolve_time("下周一或者下周二下午两点都行", MONDAY).value == "2026-12-14T14:00"
    assert resolve_time("周三或周四", MONDAY).value == "2026-12-09"


def test_the_clock_of_a_routine_books_no_day_unless_asked() -> None:
    assert resolve_time("给我姥爷申请助餐，每周一三五上午十一点送过去", MONDAY, asked=False) is None
    assert resolve_time("从下周一开始，每周一三五上午十一点", MONDAY, asked=False).value == "2026-12-14T11:00"


def test_now_in_another_zone_is_read_as_shanghai_time() -> None:
    utc_now = datetime(2026, 11, 28, 2, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in Shanghai
    assert resolve_time("下午两点", utc_now).value == "2026-11-28T14:00"


def test_as_datetime_is_aware() -> None:
    match = resolve_time("12月5号下午两点", SATURDAY)
    assert isinstance(match, TimeMatch)
    assert match.as_datetime() == datetime(2026, 12, 5, 14, 0, tzinfo=TZ)
