"""A certification due date the resident gives (我的认证到明年三月到期), read as a date.

Pure: the text and today in, the date out (None when the message says no such date).
A month without a day stands for the whole month (its last day), so the reminder goes
out from the first of that month, as for a due date a year after the last filing.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_CN = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"十一": 11, "十二": 12, "两": 2}
_ABOUT = re.compile(r"认证|资格认证|年审|待遇认证")
_DUE = re.compile(r"到期|过期|截止|有效期")
_DATE = re.compile(
    r"(?:(?P<rel>今年|明年|后年)|(?P<year>20\d{2})\s*年)?\s*"
    r"(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二两三四五六七八九])\s*月份?"
    r"(?:\s*(?P<day>3[01]|[12]\d|0?[1-9])\s*[日号]|(?P<end>底))?")


@dataclass(frozen=True)
class DueDate:
    day: date
    whole_month: bool  # only the month was said

    def zh(self) -> str:
        if self.whole_month:
            return f"{self.day.year}年{self.day.month}月"
        return f"{self.day.year}年{self.day.month}月{self.day.day}日"


def said_due_date(text: str, today: date) -> DueDate | None:
    if not text or not _ABOUT.search(text) or not _DUE.search(text):
        return None
    found = _DATE.search(text)
    if not found:
        return None
    raw = found.group("month")
    month = int(raw) if raw.isdigit() else _CN[raw]
    year = _year(found, month, today)
    if found.group("day"):
        try:
            return DueDate(date(year, month, int(found.group("day"))), False)
        except ValueError:
            return None
    return DueDate(date(year, month, calendar.monthrange(year, month)[1]), True)


def _year(found: re.Match, month: int, today: date) -> int:
    if found.group("year"):
        return int(found.group("year"))
    rel = found.group("rel")
    if rel:
        return today.year + {"今年": 0, "明年": 1, "后年": 2}[rel]
    # A month alone is the next one of that name (三月 said in December is next March).
    return today.year if month >= today.month else today.year + 1
