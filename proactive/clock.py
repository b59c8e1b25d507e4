"""The assistant's clock for the scheduler, built once and passed in.

`ASSISTANT_CLOCK_START` (ISO 8601 with offset, as for the rest of the assistant)
starts the clock at that moment when the process starts and lets it run, so a
demonstration or a test can make a reminder due; unset, it is the real clock.
The queue itself waits on the real clock: `real_moment` converts.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Mapping

try:
    from zoneinfo import ZoneInfo

    LOCAL_TZ = ZoneInfo("Asia/Shanghai")
except Exception:  # no tz database: China has had no DST since 1991
    LOCAL_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


class Clock:
    def __init__(self, start: str = "") -> None:
        if start:
            pinned = datetime.fromisoformat(start)
            if pinned.tzinfo is None:
                raise ValueError("ASSISTANT_CLOCK_START needs a UTC offset, e.g. 2026-12-07T09:30:00+08:00")
            self._offset = pinned - datetime.now(timezone.utc)
        else:
            self._offset = timedelta(0)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Clock":
        env = os.environ if env is None else env
        return cls(env.get("ASSISTANT_CLOCK_START", "").strip())

    def now(self) -> datetime:
        """Now in Asia/Shanghai, on the assistant's clock."""
        return (datetime.now(timezone.utc) + self._offset).astimezone(LOCAL_TZ)

    def real_moment(self, assistant_time: datetime) -> datetime:
        """When the real clock will show `assistant_time` on the assistant's clock."""
        return (assistant_time - self._offset).astimezone(timezone.utc)
