"""Time helpers: timestamps are stored as naive UTC and shown in Asia/Shanghai."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo


def _shanghai() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Shanghai")
    except Exception:  # no tz database installed: China has had no DST since 1991
        return timezone(timedelta(hours=8), "Asia/Shanghai")


LOCAL_TZ = _shanghai()


def utc_now() -> datetime:
    """Now as naive UTC, the form stored in the database."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


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
