"""When a proactive message may go out: pure functions on the assistant's local time."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
APPOINTMENT_REMINDER_AT = time(10, 0)  # the day before, mid-morning
DUE_REMINDER_AT = time(9, 30)


def in_quiet_hours(local: datetime) -> bool:
    return local.time() >= QUIET_START or local.time() < QUIET_END


def end_of_quiet(local: datetime) -> datetime:
    """The first moment after `local` when messages may go out (08:00)."""
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=local.tzinfo)


def appointment_reminder_time(appointment: datetime, now: datetime) -> datetime | None:
    """The day before at 10:00; None when that has passed or the visit is too near to remind."""
    at = datetime.combine(appointment.date() - timedelta(days=1), APPOINTMENT_REMINDER_AT,
                          tzinfo=appointment.tzinfo)
    return at if at > now else None


def pension_due(last_certified: date) -> date:
    """A year after the last certification filed here (29 February falls to the 28th)."""
    try:
        return last_certified.replace(year=last_certified.year + 1)
    except ValueError:
        return last_certified.replace(year=last_certified.year + 1, day=28)


def birth_date(id_number: str) -> date | None:
    """From an 18-character resident ID (characters 7 to 14 are YYYYMMDD)."""
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None


def eightieth_birthday(id_number: str) -> date | None:
    born = birth_date(id_number)
    if born is None:
        return None
    try:
        return born.replace(year=born.year + 80)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + 80, month=3, day=1)


def at_local(day: date, clock: time, tz) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)
