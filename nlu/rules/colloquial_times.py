"""Colloquial time words JioNLP misses, resolved against the moment said: 马上, 月底,
12.5, 差一刻十点. `timeexpr.find_times` reads them beside JioNLP's matches.
"""
from __future__ import annotations

import contextlib
import re
from datetime import datetime, timedelta

from nlu.rules.digits import chinese_numeral_to_int

_CN_MONTH = {c: i for i, c in enumerate("一二三四五六七八九十", 1)} | {"十一": 11, "十二": 12}
# (哎等会儿 先不说这个了: "wait", not a time)
_NOW_WORDS = re.compile(r"一会儿?|(?:待|等)(?:一)?会儿?(?![儿\s，,。！!…]|$|先|我|啊|哈|呀)|马上|立刻|立即")
# 差一刻十点 / 差五分十点: some minutes before the hour
_BEFORE_HOUR = re.compile(r"(?:(上午|早上|下午|晚上))?差(一刻|[0-9一二三四五六七八九十]{1,3})分?钟?(?:到)?"
                          r"([0-9]{1,2}|[一二两三四五六七八九十]{1,3})点")
_MONTH_END = re.compile(r"(这个|本|下个?|[一二三四五六七八九十]{1,2}|1[0-2]|[1-9])?月底")
_DOT_DATE = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9])\.(3[01]|[12]\d|0?[1-9])[号日]?"
                       r"(?![\d.%]|元|块|米|斤|公斤|岁|度|万|千|倍)")


def add_month(moment: datetime) -> datetime:
    """The same day a month later (31号 said in November means 31 December)."""
    year, month = moment.year, moment.month
    while True:  # 31号 said in November means 31 December, not a crash
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        with contextlib.suppress(ValueError):
            return moment.replace(year=year, month=month)


def _number(token: str) -> int | None:
    return int(token) if token.isdigit() else chinese_numeral_to_int(token.replace("两", "二"))


def custom_matches(norm: str, now: datetime) -> list[tuple[int, int, datetime, str]]:
    """Colloquial forms JioNLP misses: 马上, 月底, 12.5."""
    found = [(m.start(), m.end(), now.replace(second=0, microsecond=0), "minute")
             for m in _NOW_WORDS.finditer(norm)]
    for m in _MONTH_END.finditer(norm):
        first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if m.group(1) in ("下", "下个"):
            first = add_month(first)
        elif m.group(1) and m.group(1) not in ("这个", "本"):
            month = int(m.group(1)) if m.group(1).isdigit() else _CN_MONTH.get(m.group(1))
            if not month:
                continue
            first = first.replace(month=month, year=now.year + (month < now.month))
        found.append((m.start(), m.end(), add_month(first) - timedelta(days=1), "day"))
    for m in _BEFORE_HOUR.finditer(norm):
        hour = _number(m.group(3))
        minutes = 15 if m.group(2) == "一刻" else _number(m.group(2))
        if hour is None or not minutes or not 1 <= hour <= 24 or minutes >= 60:
            continue
        if m.group(1) in ("下午", "晚上") and hour < 12:
            hour += 12
        moment = now.replace(hour=hour % 24, minute=0, second=0, microsecond=0) - timedelta(minutes=minutes)
        found.append((m.start(2) - 1, m.end(), moment, "minute"))
    for m in _DOT_DATE.finditer(norm):
        with contextlib.suppress(ValueError):  # 2.30 is not a date
            day = now.replace(month=int(m.group(1)), day=int(m.group(2)),
                              hour=0, minute=0, second=0, microsecond=0)
            if day.date() < now.date():
                day = day.replace(year=day.year + 1)
            found.append((m.start(), m.end(), day, "day"))
    return found
