"""The centre's office hours and the appointment rules built on them.

An appointment must be in the future, within the booking horizon (30 days by
default), on an open day and inside a period (Mon-Fri 09:00-12:00 and
13:30-17:30 by default). A period's end is exclusive: 12:00 and 17:30 are
closed. Any minute inside a period is accepted; suggestions are always on
slot boundaries (09:00, 09:30, ... 11:30, 13:30, ... 17:00) so that a slot
never runs past closing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from itertools import zip_longest
from typing import Mapping
from zoneinfo import ZoneInfo

from nlu.rules import clock

TZ = ZoneInfo("Asia/Shanghai")
_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


# The statutory holidays that fall on the same date every year (元旦 1 day, 劳动节 2, 国庆节 3,
# under 全国年节及纪念日放假办法). The lunar ones and the yearly bridging days come from the State
# Council's notice each year: a deployment lists the whole year in OFFICE_HOLIDAYS, which then
# replaces these.
_FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


def fixed_public_holidays(today: date | None = None) -> frozenset[date]:
    year = (today or clock.now(timezone.utc).date()).year
    return frozenset(date(y, m, d) for y in (year, year + 1) for m, d in _FIXED_HOLIDAYS)


@dataclass
class AppointmentCheck:
    ok: bool
    reason_code: str  # 'ok' | 'past' | 'too_far' | 'closed_day' | 'outside_hours'
    reason_zh: str
    suggestions: list[datetime] = field(default_factory=list)


def _default_periods() -> list[tuple[time, time]]:
    return [(time(9, 0), time(12, 0)), (time(13, 30), time(17, 30))]


def _hm(value: time) -> str:
    return f"{value.hour}:{value.minute:02d}"  # 9:00, as printed on the centre's door


def _local(moment: datetime) -> datetime:
    # A naive datetime is read as the centre's local time.
    return moment.replace(tzinfo=TZ) if moment.tzinfo is None else moment.astimezone(TZ)


@dataclass
class OfficeHours:
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday is 0
    periods: list[tuple[time, time]] = field(default_factory=_default_periods)
    slot_minutes: int = 30
    horizon_days: int = 30
    holidays: frozenset[date] = frozenset()

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> OfficeHours:
        """Read OFFICE_HOURS ("mon-fri 09:00-12:00,13:30-17:30"),
        APPOINTMENT_HORIZON_DAYS and OFFICE_HOLIDAYS ("2026-10-01,2026-10-02")."""
        hours = cls()
        spec = environ.get("OFFICE_HOURS", "").strip()
        if spec:
            days, _, periods = spec.partition(" ")
            hours.weekdays = _parse_days(days)
            hours.periods = _parse_periods(periods)
        if environ.get("APPOINTMENT_HORIZON_DAYS", "").strip():
            hours.horizon_days = int(environ["APPOINTMENT_HORIZON_DAYS"])
        holidays = environ.get("OFFICE_HOLIDAYS", "")
        hours.holidays = frozenset(date.fromisoformat(d.strip())
                                   for d in holidays.split(",") if d.strip()) or fixed_public_holidays()
        return hours

    def is_open_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def is_open(self, dt: datetime) -> bool:
        dt = _local(dt)
        clock = dt.time().replace(tzinfo=None)
        return self.is_open_day(dt.date()) and any(s <= clock < e for s, e in self.periods)

    def day_slots(self, day: date) -> list[datetime]:
        """Every slot start on ``day`` (past or not); [] on a closed day."""
        if not self.is_open_day(day):
            return []
        step = timedelta(minutes=self.slot_minutes)
        slots = []
        for start, end in self.periods:
            slot, closing = datetime.combine(day, start, TZ), datetime.combine(day, end, TZ)
            while slot + step <= closing:
                slots.append(slot)
                slot += step
        return slots

    def slots_on(self, day: date, now: datetime,
                 between: tuple[time, time] | None = None) -> list[datetime]:
        """The slots still bookable on ``day``: after now and within the horizon.

        ``between`` narrows them to part of the day, e.g. (12:00, 18:00) when
        the resident said 下午 without a clock time.
        """
        now = _local(now)
        if not self._in_horizon(day, now):
            return []
        slots = [slot for slot in self.day_slots(day) if slot > now]
        if between:
            slots = [slot for slot in slots if between[0] <= slot.time() < between[1]]
        return slots

    def nearest_slots(self, dt: datetime, now: datetime, limit: int = 3) -> list[datetime]:
        """Bookable slots around ``dt``, taken in turn from either side, in time order.

        Alternating sides gives a real choice: for a Saturday, Friday's last
        slots and Monday's first, not three Friday slots in a row.
        """
        now, dt = _local(now), _local(dt)
        candidates = [slot for offset in range(self.horizon_days + 1)
                      for slot in self.slots_on(now.date() + timedelta(days=offset), now)]
        before = [slot for slot in reversed(candidates) if slot < dt]
        after = [slot for slot in candidates if slot >= dt]
        sides = sorted((side for side in (after, before) if side), key=lambda s: abs(s[0] - dt))
        picked = [slot for pair in zip_longest(*sides) for slot in pair if slot is not None]
        return sorted(picked[:limit])

    def check_appointment(self, dt: datetime, now: datetime) -> AppointmentCheck:
        """Whether ``dt`` can be booked; if not, why (in plain Chinese) and what can."""
        dt, now = _local(dt), _local(now)
        reason = self._refusal(dt, now)
        if reason is None:
            return AppointmentCheck(True, "ok", "这个时间可以预约")
        code, text = reason
        return AppointmentCheck(False, code, text, self.nearest_slots(dt, now))

    def describe(self) -> str:
        """周一至周五 上午9:00-12:00，下午13:30-17:30"""
        periods = "，".join(f"{_half_day(s)}{_hm(s)}-{_hm(e)}" for s, e in self.periods)
        return f"{_describe_days(self.weekdays)} {periods}"

    def _in_horizon(self, day: date, now: datetime) -> bool:
        return now.date() <= day <= now.date() + timedelta(days=self.horizon_days)

    def _refusal(self, dt: datetime, now: datetime) -> tuple[str, str] | None:
        if dt < now:
            return "past", "这个时间已经过去了"
        if not self._in_horizon(dt.date(), now):
            return "too_far", f"只能预约{self.horizon_days}天以内的时间"
        if dt.date() in self.holidays:
            return "closed_day", f"{dt.month}月{dt.day}日放假，中心不办公"
        if dt.weekday() not in self.weekdays:
            return "closed_day", f"{_DAY_ZH[dt.weekday()]}中心不办公"
        if not self.is_open(dt):
            return "outside_hours", self._hours_reason(dt.time().replace(tzinfo=None))
        return None

    def _hours_reason(self, clock: time) -> str:
        first, last = self.periods[0][0], self.periods[-1][1]
        if clock < first:
            return f"中心{_hm(first)}才开门"
        if clock >= last:
            return f"中心{_hm(last)}就下班了"
        for (_, end), (start, _) in zip(self.periods, self.periods[1:]):
            if end <= clock < start:
                return f"{_hm(end)}到{_hm(start)}是午休时间"
        return f"中心办公时间是{self.describe()}"


def _half_day(start: time) -> str:
    return "上午" if start.hour < 12 else "下午" if start.hour < 18 else "晚上"


def _describe_days(weekdays: frozenset[int]) -> str:
    days = sorted(weekdays)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{_DAY_ZH[days[0]]}至{_DAY_ZH[days[-1]]}"
    return "、".join(_DAY_ZH[d] for d in days)


def _parse_days(spec: str) -> frozenset[int]:
    """mon-fri, or mon,wed,fri, or mon-fri,sat."""
    days: set[int] = set()
    for part in spec.lower().split(","):
        first, _, last = part.partition("-")
        try:
            lo, hi = _DAY_NAMES.index(first), _DAY_NAMES.index(last or first)
        except ValueError:
            raise ValueError(f"OFFICE_HOURS: unknown day in {spec!r}") from None
        days.update(range(lo, hi + 1))
    return frozenset(days)


def _parse_periods(spec: str) -> list[tuple[time, time]]:
    periods = []
    for part in spec.replace(" ", "").split(","):
        match = _PERIOD.match(part)
        if not match:
            raise ValueError(f"OFFICE_HOURS: bad period {part!r}, expected HH:MM-HH:MM")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = time(h1, m1), time(h2, m2)
        if start >= end:
            raise ValueError(f"OFFICE_HOURS: period {part!r} ends before it starts")
        periods.append((start, end))
    if not periods:
        raise ValueError("OFFICE_HOURS: no opening periods given")
    return sorted(periods)
