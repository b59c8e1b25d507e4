"""The assistant's idea of "now".

Relative times (明天上午, 下周二), office-hours checks and the allowance's age rule
all depend on today's date. `ASSISTANT_CLOCK_START` (ISO 8601 with offset) starts
the clock at a given moment and lets it run from there: the dialogue corpus is
written for one calendar day, and a demo or a replay of a resident's conversation
needs the date it happened on. Unset, this is the real clock.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, tzinfo

_offset: timedelta | None = None


def _clock_offset() -> timedelta:
    global _offset
    if _offset is None:
        start = os.environ.get("ASSISTANT_CLOCK_START", "").strip()
        if start:
            pinned = datetime.fromisoformat(start)
            if pinned.tzinfo is None:
                raise ValueError("ASSISTANT_CLOCK_START needs a UTC offset, e.g. 2026-12-07T09:30:00+08:00")
            _offset = pinned - datetime.now(pinned.tzinfo)
        else:
            _offset = timedelta(0)
    return _offset


def now(tz: tzinfo) -> datetime:
    """The current time in ``tz``, shifted when the clock was started elsewhere."""
    return datetime.now(tz) + _clock_offset()
