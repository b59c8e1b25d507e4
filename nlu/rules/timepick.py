"""Which of the times a message holds is the one meant (后天上午九点半吧，我早上买完菜就去
is 后天): days and clocks said apart joined, times turned down dropped, a bare 晚上 in a
story ignored unless it answers the question, then the most exact upcoming one.
"""
from __future__ import annotations

import re
from datetime import datetime

from nlu.rules.timeexpr import CLOCK, FESTIVAL, TZ, TimeMatch, find_times


def _is_upcoming(match: TimeMatch, now: datetime) -> bool:
    moment = match.as_datetime()
    if match.grain == "minute":
        return moment >= now.replace(second=0, microsecond=0)
    return moment.date() >= now.date()


_SAYS_DAY = re.compile(rf"(?<![白当每整])天|[日号周月年今明昨]|星期|礼拜|后天|\d[/\-.]\d|{FESTIVAL}")
# A time turned down in the same breath (周六不上班啊？那就下周一上午九点半).
_TURNED_DOWN = re.compile(r"^[^，。,.!?！？]{0,3}?(?:不行|不上班|不办公|没空|有事|不方便|没时间|不在家|休息|不可以|去不了|来不了|"
                          r"(?:我|俺)?要(?:开会|上班|接孩子)|上班)")
_DETAIL = {"day": 0, "halfday": 1, "minute": 2}
_NOT_THIS = re.compile(r"(?:不是|不要|别)\s*$")
# Said between two clocks when the second puts the first right.
# Between a clock and the day it belongs to (十点半 还是下礼拜三); a story between
# them (早上六点就上工了，白天很难请假，不过下礼拜四…) keeps them apart.
_CLOCK_THEN_DAY = re.compile(r"[^，。,.!?！？]{0,6}")
_ROUTINE_BEFORE = re.compile(r"(?:每周|每天|天天|隔天|每礼拜|每星期|每个?月|每隔)[^，。,.!?！？]*$")
_OR = re.compile(r"\s*(?:或者|或是|或|还是|、|/)\s*")
_CORRECTED = re.compile(r"哦|噢|不对|不是|不行|那就?|还是|改成?|算了|应该|才上班|才开门|上班")


def _says_day(match: TimeMatch) -> bool:
    return bool(_SAYS_DAY.search(match.text))


def _is_specific(match: TimeMatch) -> bool:
    """A day or a clock was said: 明天, 三点. A bare 晚上 or 现在 inside a story
    (晚上黑咕隆咚的, 他现在卧床) books nothing unless it answers the question."""
    return _says_day(match) or bool(CLOCK.search(match.text))


def days_said(text: str, now: datetime) -> list[str]:
    """ISO dates of the days named in ``text`` (下礼拜一, 周六, 12月20号)."""
    return [m.value[:10] for m in find_times(text, now) if _says_day(m)]


def _join_days_and_clocks(text: str, matches: list[TimeMatch]) -> list[TimeMatch]:
    """下周一开始，每周一三五上午十一点送: a day said first and a clock said later in the
    same message are one moment; the bare day is then dropped as said more exactly."""
    joined: list[TimeMatch] = []
    day: TimeMatch | None = None
    clock: TimeMatch | None = None
    used: set[int] = set()
    for match in matches:
        if _says_day(match) and match.grain == "day" and day is None and clock is not None \
                and _CLOCK_THEN_DAY.fullmatch(text[clock.end:match.start]):
            # 十点半 还是下礼拜三: the clock said first, its day after
            used.add(id(clock))
            day = TimeMatch(clock.start, match.end, text[clock.start:match.end],
                            match.value[:10] + clock.value[10:], True, "minute")
            joined.append(day)
            continue
        if _says_day(match):
            if day is not None and day.grain == "day" and _OR.fullmatch(text[day.end:match.start]):
                # 这周三或者周四都行 上午九点半, 下周一或者下周二下午两点: the first of the
                # days offered, at the clock said
                if match.grain == "day":
                    continue
                used.add(id(day))
                day = TimeMatch(day.start, match.end, text[day.start:match.end],
                                day.value[:10] + match.value[10:], match.has_time, match.grain)
                joined.append(day)
                continue
            day = match
            joined.append(match)
            continue
        if day is not None and day.grain == "minute" and match.grain == "minute" \
                and _CORRECTED.search(text[day.end:match.start]):
            # 后天上午九点 哦 九点半吧: the clock said again is the one meant, on that day
            used.add(id(day))
            day = TimeMatch(day.start, match.end, text[day.start:match.end],
                            day.value[:10] + match.value[10:], True, "minute")
            joined.append(day)
            continue
        if day is not None and day.grain == "halfday" and match.grain == "minute":
            # 这个礼拜五下午吧 两点钟: the clock said after the half-day
            used.add(id(day))
            joined.append(TimeMatch(day.start, match.end, text[day.start:match.end],
                                    day.value[:10] + match.value[10:], True, "minute"))
            continue
        if day is not None and day.grain == "day" and match.grain in ("minute", "halfday"):
            used.add(id(day))
            joined.append(TimeMatch(match.start, match.end, text[day.start:match.end],
                                    day.value[:10] + match.value[10:], match.has_time,
                                    match.grain))
            continue
        if day is None and match.grain == "minute":
            clock = match
        joined.append(match)
    return [m for m in joined if id(m) not in used]


def resolve_time(text: str, now: datetime, asked: bool = True) -> TimeMatch | None:
    """The time a resident most likely means: the first one not in the past, said
    with a day or a clock where one was (后天上午九点半吧，我早上买完菜就去 is 后天).

    In 昨天开始漏水，明天上午来修 the visit is 明天上午; when every match is
    in the past the first is returned so the caller can say so. ``asked``: the message
    answers a question about the time; otherwise only a day or a clock counts.
    """
    # 不是十点，十点半: a time named to be turned down is not the one meant
    said = [m for m in find_times(text, now) if not _NOT_THIS.search(text[max(0, m.start - 3):m.start])]
    matches = _join_days_and_clocks(text, said)
    wanted = [m for m in matches if not _TURNED_DOWN.match(text[m.end:])]
    matches = wanted or matches
    if not asked:
        # 每周一三五上午十一点送: the clock of a routine, said without the day it starts,
        # books no day; the form asks when to start
        matches = [m for m in matches if _says_day(m) or not _ROUTINE_BEFORE.search(text[max(0, m.start - 8):m.start])]
    specific = [m for m in matches if _is_specific(m)]
    if specific or not asked:
        matches = specific
    upcoming = [m for m in matches if _is_upcoming(m, now.astimezone(TZ))]
    candidates = upcoming or matches
    if not candidates:
        return None
    # The most exact of the times still wanted: 下周一上午九点半 over a bare 周六, and a
    # clock with its day over a clock alone (一般早上六点就上工了…那就下礼拜四上午十点).
    def detail(m: TimeMatch) -> tuple[int, bool]:
        return _DETAIL[m.grain], _says_day(m)
    best = max(detail(m) for m in candidates)
    return next(m for m in candidates if detail(m) == best)
