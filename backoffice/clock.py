"""Time helpers: timestamps are stored as naive UTC and shown in Asia/Shanghai."""
from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone, tzinfo


def _shanghai() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Shanghai")
    except Exception:  # no tz database installed: China has had no DST since 1991
        return timezone(timedelta(hours=8), "Asia/Shanghai")


LOCAL_TZ = _shanghai()


_offset: timedelta | None = None


def _clock_offset() -> timedelta:
    """`ASSISTANT_CLOCK_START` (ISO with offset) starts the clock at that moment, as
    for the assistant, so a replayed or demonstrated day has one date everywhere."""
    global _offset
    if _offset is None:
        start = os.environ.get("ASSISTANT_CLOCK_START", "").strip()
        _offset = (datetime.fromisoformat(start) - datetime.now(timezone.utc)) if start else timedelta(0)
    return _offset


def utc_now() -> datetime:
    """Now as naive UTC, the form stored in the database."""
    return (datetime.now(timezone.utc) + _clock_offset()).replace(tzinfo=None)


def local_today(now_utc: datetime) -> date:
    return to_local(now_utc).date()


def to_local(naive_utc: datetime) -> datetime:
    return naive_utc.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ)


def local_iso(naive_utc: datetime) -> str:
    """ISO 8601 with the +08:00 offset, to the second."""
    return to_local(naive_utc).isoformat(timespec="seconds")


def local_to_utc(local: datetime) -> datetime:
    """A naive Asia/Shanghai wall-clock time as naive UTC."""
    return local.replace(tzinfo=LOCAL_TZ).astimezone(timezone.utc).replace(tzinfo=None)
