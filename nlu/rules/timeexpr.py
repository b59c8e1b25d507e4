"""Find and resolve Chinese time expressions (明天上午, 下周三, 12月5号下午两点).

JioNLP does the heavy lifting; this module fixes what a booking assistant
needs and JioNLP does not give: the future reading of ambiguous dates (这周五
said on a Saturday is next Friday, not yesterday's week), afternoon for a bare
两点, a few colloquial forms (马上, 月底, 12.5), and never mistaking a phone,
an ID number or a building number for a date.

Half-day expressions (明天上午) resolve to the half-day's start with grain
'halfday' and has_time False, so callers know to offer slots: 上午 09:00 (the
centre opens at 9), 中午 12:00, 下午 14:00 (a plain afternoon time, not the
13:30 reopening, because people saying 下午 rarely mean right after lunch),
傍晚 17:00, 晚上 19:00.
"""
from __future__ import annotations

import contextlib
import io
import logging
import re
import threading
import types
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nlu.rules.address import find_address
from nlu.rules.colloquial_times import add_month, custom_matches
from nlu.rules.digits import digit_runs, fullwidth_to_ascii
from nlu.rules.person_name import find_person_names

logger = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class TimeMatch:
    start: int
    end: int
    text: str
    value: str  # 'YYYY-MM-DD' for grain 'day', else 'YYYY-MM-DDTHH:MM'
    has_time: bool
    grain: str  # 'day' | 'halfday' | 'minute'

    def as_datetime(self) -> datetime:
        """The value as an aware datetime in Asia/Shanghai (midnight for a day)."""
        return datetime.fromisoformat(self.value).replace(tzinfo=TZ)


_jio: Any = None


def _jionlp() -> Any:
    """Import JioNLP on first use: the import takes a while and prints a banner."""
    global _jio
    if _jio is None:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp
            from jionlp.gadget import time_parser
        # The time parser logs every parse it recovers from (每周三次) as a
        # traceback through logging.error() on the root logger, which also
        # configures root logging as a side effect. Those are expected misses
        # for us: send them to our own logger at DEBUG instead.
        time_parser.logging = types.SimpleNamespace(
            error=logger.debug, warning=logger.debug, info=logger.debug, debug=logger.debug)
        extractor = jionlp.ner.extract_time
        if extractor.parse_time is None:
            extractor._prepare()
        extractor.parse_time = _PARSES.wrap(extractor.parse_time)
        _jio = jionlp
    return _jio


# Contractions JioNLP reads as a whole day or not at all.
_REWRITES = (("明早", "明天早上"), ("今早", "今天早上"), ("明晚", "明天晚上"),
             ("：", ":"), ("．", "."),
             # Cantonese: 听日 tomorrow, 后日 the day after, 上昼/下昼 morning/afternoon
             ("听日", "明天"), ("大后日", "大后天"), ("后日", "后天"), ("今日", "今天"),
             ("上昼", "上午"), ("下昼", "下午"), ("晏昼", "中午"),
             # northern 儿化: 明儿(个) tomorrow, 今儿(个) today, 后儿(个) the day after
             ("赶明儿", "明天"), ("明儿个", "明天"), ("今儿个", "今天"), ("后儿个", "后天"),
             ("明儿", "明天"), ("今儿", "今天"), ("后儿", "后天"),
             # northern half-days: 后晌/下晌 afternoon, 晌午 noon, 前晌/头午 morning, 傍黑 dusk
             # Shanghainese: 今朝 today, 明朝 tomorrow
             ("今朝", "今天"), ("明朝", "明天"),
             ("半后晌", "下午"), ("后晌", "下午"), ("下晌", "下午"), ("过晌", "下午"), ("晌午", "中午"),
             ("前晌", "上午"), ("上晌", "上午"), ("头午", "上午"), ("傍黑", "傍晚"), ("擦黑", "傍晚"),
             ("下半天", "下午"), ("上半天", "上午"))
# Words after a time that JioNLP reads as an open span (十点开始送, 三点以后): dropped.
_AFTER_CLOCK = re.compile(r"开始|以后|之后|左右|前后|以前|之前|起")
_FROM = re.compile(r"从(?=[下这明今后本上周星礼0-9一二三四五六七八九十])")
_CLOCK_END = set("点分半午上下天号日一二三四五六七八九十两0123456789")
# What follows 现在 when it means "by now", not "at once" (现在对了, 现在住在…).
_NOT_A_MOMENT = set("对好行可以是没不住在的有都还也")
_HALFDAY = re.compile(r"凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|今晚|晚")
_HALFDAY_START = {"上午": (9, 0), "早上": (9, 0), "早晨": (9, 0), "中午": (12, 0),
                  "下午": (14, 0), "傍晚": (17, 0), "晚上": (19, 0), "今晚": (19, 0),
                  "晚": (19, 0)}
_RANGE = re.compile(r"到|至|-|~|～")
CLOCK = re.compile(r"\d\s*[点:]|[零一二两三四五六七八九十]点|点半|分")
_RELATIVE = re.compile(r"[后前]$|以后|之后|以前|之前")
_PAST_MARK = re.compile(r"昨|前天|上周|上个|上星期|上礼拜|去年|前年|刚才")
_YEAR = re.compile(r"年|\d{4}[-/.]")
_WEEKDAY = re.compile(r"周|星期|礼拜")
# Festivals; 十一点 is eleven o'clock, not National Day.
FESTIVAL = r"节|旦|除夕|国庆|五一(?![点:])|十一(?![点:])|元宵|中秋|端午|清明|重阳"
# Year-less calendar dates, festivals included: next year's once past.
_CALENDAR = re.compile(rf"月|\d[/\-.]\d|{FESTIVAL}")
_DAY_OF_MONTH = re.compile(r"[号日]")
_DATE_WORD = re.compile(rf"[天日号周月年今明昨]|星期|礼拜|现在|后|{FESTIVAL}")
# A bare day number (3号, 十一) right before 楼/单元/室 is a building, not a date.
_BARE_DAY = re.compile(r"^[\d零一二两三四五六七八九十]+[号日]?$")
_ADDRESS_NEXT = re.compile(r"^\s*(?:号?楼|栋|幢|座|单元|室|层|院|门|线|床)")
# digit_runs joins digits across dashes and spaces, so 2026-12-05 09 is a run too.
_ISO_DATE = re.compile(r"\d{4}([-/.])\d{1,2}\1\d{1,2}(\s+\d{1,2})?")
_FREQUENCY_SPAN = re.compile(r"(?:每个?|一个?)(?:周|星期|礼拜)[一二两三四五六七八九十\d]+\s*(?:次|回|趟|遍)|"
                             r"每个?(?:周|星期|礼拜)[一二三四五六日天](?:[、，,和]?[一二三四五六日天])+|"
                             # 每天中午十一点半: the routine's word, not a day; its clock stays
                             r"每天|(?<![今明后昨前每])天天|每日|每个?工作日|工作日每天")
# 三点水 / 两点水 spell a character out (潘, 冯): no clock in them.
_NOT_TIMES = re.compile(r"四点半[课可科]堂|四点半学校|四点半班|[两三]点水|点水旁")


_CLOCK_AGAIN = re.compile(r"(?!一刻|三刻)[0-9一二两三四五六七八九十]")
_WEEKDAY_AFTER_DATE = re.compile(r"[\s,，]*[（(]?(?:星期|礼拜|周)[一二三四五六日天][)）]?")


def _between_words(text: str, i: int) -> bool:
    """A space between two Chinese words or a word and a number, as a recogniser writes them."""
    j = i
    while j < len(text) and text[j].isspace():
        j += 1
    before, after = (text[i - 1] if i else ""), (text[j] if j < len(text) else "")
    cjk = lambda ch: "\u4e00" <= ch <= "\u9fff"
    return bool(before and after) and (cjk(before) or cjk(after)) \
        and all(cjk(ch) or ch.isdigit() for ch in (before, after))


# Typed the short way: 10am, 3pm, 2:30 p.m., 12/15, 12.15 (month first, as on a phone)
_TYPED_CLOCK = re.compile(r"(?<![\d:])(1[0-2]|0?[1-9])(?::([0-5]\d))?\s*([ap])\.?m\.?(?![a-z])", re.I)
_TYPED_DATE = re.compile(r"(?<![\d/.\-])(1[0-2]|0?[1-9])[/.](3[01]|[12]\d|0?[1-9])(?![\d/.%元块])")


def _typed_at(text: str, i: int) -> tuple[str, str] | None:
    """(what was typed, how it is said) for an English clock or a month/day at ``i``."""
    clock = _TYPED_CLOCK.match(text, i)
    if clock:
        hour, minute, half = clock.groups()
        said = f"{'上午' if half.lower() == 'a' else '下午'}{int(hour)}点" + (f"{int(minute)}分" if minute else "")
        return clock.group(0), said
    date = _TYPED_DATE.match(text, i)
    if date:
        return date.group(0), f"{int(date.group(1))}月{int(date.group(2))}日"
    return None


def _normalise(text: str) -> tuple[str, list[int], list[int]]:
    """Rewrite contractions, keeping each new char's original span for offsets."""
    text = fullwidth_to_ascii(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        src, dst = _typed_at(text, i) or next(((s, d) for s, d in _REWRITES if text.startswith(s, i)),
                                              (text[i], text[i]))
        last = next((chunk[-1] for chunk in reversed(out) if chunk), "")  # (gaps dropped)
        after = _AFTER_CLOCK.match(text, i) if last and last in _CLOCK_END else None
        if after is None and text.startswith("后", i) and last and last in "点分半":
            after = re.match("后", text[i:])  # 7点后
        if after is None and last in ("号", "日") and re.match(r"\d|[一二三四五六七八九十]", out[-2][-1:] if len(out) > 1 else ""):
            after = _WEEKDAY_AFTER_DATE.match(text, i)  # 18号礼拜五: the date says it, the weekday repeats it
        if after is None:
            after = _FROM.match(text, i)  # 从下周一开始: the start day
        if after:  # 十点开始, 三点以后: the moment itself is what a booking needs
            src, dst = after.group(0), ""
        elif text[i].isspace() and _between_words(text, i):
            gap = re.match(r"\s+", text[i:]).group(0)  # 明天 中午 十一点: a recogniser's word gaps
            # (三点 三点半: a clock said again stays apart from the first)
            again = last in "点分" and _CLOCK_AGAIN.match(text, i + len(gap))
            src, dst = gap, "，" if again else ""
        out.append(dst)
        starts.extend([i] * len(dst))
        ends.extend([i + len(src)] * len(dst))
        i += len(src)
    return "".join(out), starts, ends


def _fmt(moment: datetime, grain: str) -> str:
    return moment.strftime("%Y-%m-%d" if grain == "day" else "%Y-%m-%dT%H:%M")


def _is_past(begin: datetime, finish: datetime, grain: str, now: datetime) -> bool:
    if grain == "day":
        return begin.date() < now.date()
    if grain == "halfday":
        return finish < now
    return begin < now.replace(second=0, microsecond=0)


def _next_year_date(text: str, begin: datetime, now: datetime) -> date:
    """Re-read a year-less date one year on; festivals (春节) move by the calendar."""
    try:
        parsed = _jionlp().parse_time(text, time_base=now.replace(year=now.year + 1))
        return datetime.fromisoformat(parsed["time"][0]).date()
    except Exception:  # 2月29日: fall back to the plain year step
        return begin.date().replace(year=begin.year + 1)


def _prefer_future(text: str, span: tuple[datetime, datetime], grain: str,
                   now: datetime) -> tuple[datetime, datetime]:
    begin, finish = span
    if _PAST_MARK.search(text) or _YEAR.search(text) or not _is_past(begin, finish, grain, now):
        return begin, finish
    if _WEEKDAY.search(text):
        step = timedelta(days=7)
    elif _CALENDAR.search(text):
        new_day = _next_year_date(text, begin, now)
        step = timedelta(days=(new_day - begin.date()).days)
    elif _DAY_OF_MONTH.search(text):
        step = add_month(begin) - begin
    elif not _DATE_WORD.search(text):
        step = timedelta(days=1)  # a bare clock time: the next one to come
    else:
        return begin, finish  # 今天上午 said in the afternoon stays as said
    while _is_past(begin, finish, grain, now):
        begin, finish = begin + step, finish + step
    return begin, finish


def _grain_of(item: dict, text: str, begin: datetime,
              finish: datetime) -> tuple[str, datetime] | None:
    if item["type"] == "time_span":
        is_clock = begin.time() != datetime.min.time() or CLOCK.search(text)
        return ("minute" if is_clock else "day"), begin
    if finish - begin > timedelta(days=1):
        return None  # 这周, 今年: a period, not something to book
    halfday = _HALFDAY.search(text)
    if item["detail"].get("definition") == "blur":
        if halfday and halfday.group(0) in _HALFDAY_START:
            hour, minute = _HALFDAY_START[halfday.group(0)]
            return "halfday", begin.replace(hour=hour, minute=minute)
        return ("halfday" if halfday else "day"), begin
    if finish - begin >= timedelta(hours=23):
        return "day", begin
    if 1 <= begin.hour <= 6 and not halfday and not _RELATIVE.search(text):
        begin += timedelta(hours=12)  # 两点 at a service centre is 14:00
    return "minute", begin


def _resolve_item(item: dict, norm: str, now: datetime) -> tuple[str, datetime] | None:
    text, (lo, hi) = item["text"], item["offset"]
    if item["type"] not in ("time_point", "time_span"):
        return None  # periods (每周三) and durations (两天) are not a moment
    if item["type"] == "time_span" and not _RANGE.search(text):
        return None  # 今年, 周五之前: no single moment to book
    if _BARE_DAY.match(text) and (_ADDRESS_NEXT.match(norm[hi:]) or lo and norm[lo - 1] in "路街巷"):
        return None
    times = item["detail"]["time"]
    begin, finish = (datetime.fromisoformat(t).replace(tzinfo=TZ) for t in times[:2])
    if "周末" in text and begin.weekday() == 6:
        # JioNLP gives Sunday; residents mean the weekend, which starts on Saturday.
        begin, finish = begin - timedelta(days=1), finish - timedelta(days=1)
    graded = _grain_of(item, text, begin, finish)
    if graded is None:
        return None
    grain, shifted = graded
    if grain == "minute":  # a half-day still ends when JioNLP says it does
        finish += shifted - begin
    begin, _ = _prefer_future(text, (shifted, finish), grain, now)
    return grain, begin


def _overlaps(lo: int, hi: int, spans: list[tuple[int, int]]) -> bool:
    return any(lo < s_hi and s_lo < hi for s_lo, s_hi in spans)


# JioNLP's time parser slows down sharply on long runs of time words (a
# 1,000-character message took over a minute); it only ever sees short windows.
# Messages of ordinary length are parsed whole, as before.
_WHOLE, _WINDOW, _OVERLAP, _MAX_WINDOWS = 60, 32, 12, 3
# Inside a window JioNLP's extractor still tries every sub-span of a run of time words,
# one parse each: 明天 thirty times over costs 10,000 parses (2 s of CPU), while no
# message in the training data or the held-out sets needs more than 37. A message gets
# PARSE_BUDGET parses; past it every parse fails at once and what was found is kept.
PARSE_BUDGET = 1000


class _ParseBudget:
    """The parses left to the message being read on this thread (None: no limit)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow(self, parses: int) -> None:
        self._local.left = parses

    @property
    def spent(self) -> bool:
        return getattr(self._local, "left", None) == 0

    def wrap(self, parse: Any) -> Any:
        def budgeted(*args: Any, **kwargs: Any) -> Any:
            left = getattr(self._local, "left", None)
            if left is not None:
                if left <= 0:
                    raise ValueError("time parse budget spent")  # JioNLP skips the span
                self._local.left = left - 1
            return parse(*args, **kwargs)
        return budgeted


_PARSES = _ParseBudget()
_CLAUSE = re.compile(r"[^，。！？；,.!?;\n]+")
_TIMEISH = re.compile(r"[0-9天周星期礼拜号日点月年午早晚时分今明后昨前半刻节旦十现]")


def _windows(norm: str) -> list[tuple[int, str]]:
    if len(norm) <= _WHOLE:
        return [(0, norm)]
    windows = []
    for clause in _CLAUSE.finditer(norm):
        text, at = clause.group(), clause.start()
        for begin in range(0, max(1, len(text) - _OVERLAP), _WINDOW - _OVERLAP):
            piece = text[begin:begin + _WINDOW]
            if _TIMEISH.search(piece):
                windows.append((at + begin, piece))
    return windows[:_MAX_WINDOWS]


def _jio_matches(norm: str, now: datetime) -> list[tuple[int, int, datetime, str]]:
    base = now.replace(tzinfo=None, microsecond=0)
    found: dict[tuple[int, int], tuple[int, int, datetime, str]] = {}
    extract = _jionlp().ner.extract_time
    _PARSES.allow(PARSE_BUDGET)
    for offset, piece in _windows(norm):
        if _PARSES.spent:
            break
        try:
            items = extract(piece, time_base=base, with_parsing=True)
        except Exception:  # JioNLP raises on some odd inputs; no time is the safe answer
            logger.debug("jionlp failed on %r", piece, exc_info=True)
            continue
        for item in items:
            resolved = _resolve_item(item, piece, now)
            if resolved:
                grain, begin = resolved
                start, end = offset + item["offset"][0], offset + item["offset"][1]
                found.setdefault((start, end), (start, end, begin, grain))
    # Overlapping windows may find one expression twice, once cut short.
    spans = sorted(found.values(), key=lambda m: (m[0], -(m[1] - m[0])))
    kept: list[tuple[int, int, datetime, str]] = []
    for match in spans:
        if not any(match[0] < k[1] and k[0] < match[1] for k in kept):
            kept.append(match)
    return kept


def _mask_not_times(norm: str) -> str:
    """What JioNLP must not read as a time, blanked (same length, so offsets hold):
    frequencies (周三 in 一周三次 is no Wednesday), a service with a clock in its name
    (四点半课堂) and festivals inside a name (韩国庆)."""
    spans = [m.span() for m in _FREQUENCY_SPAN.finditer(norm)]
    spans += [m.span() for m in _NOT_TIMES.finditer(norm)]
    spans += [(n.start, n.end) for n in find_person_names(norm)]
    chars = list(norm)
    for lo, hi in spans:
        chars[lo:hi] = "，" * (hi - lo)
    return "".join(chars)


def find_times(text: str, now: datetime) -> list[TimeMatch]:
    """All time expressions in ``text``, resolved against ``now`` (aware), in order."""
    now = now.astimezone(TZ)
    norm, starts, ends = _normalise(text)
    # Phone and ID numbers: JioNLP sometimes reads parts of them as dates; so are the
    # numbers of an address (长乐路120弄7号3楼 has no 7th of the month in it).
    blocked = [(lo, hi) for lo, hi, _ in digit_runs(norm, min_len=7)
               if not _ISO_DATE.fullmatch(norm[lo:hi])]
    address = find_address(norm)
    if address is not None and (address.building or address.unit or address.room or
                                re.search(r"[弄号]", address.text)):
        blocked.append((address.start, address.end))
    kept: list[tuple[int, int, datetime, str]] = []
    for match in custom_matches(norm, now) + _jio_matches(_mask_not_times(norm), now):
        taken = blocked + [(lo, hi) for lo, hi, *_ in kept]
        if not _overlaps(match[0], match[1], taken):
            kept.append(match)
    result = []
    for lo, hi, moment, grain in sorted(kept, key=lambda m: m[0]):
        if norm[lo:hi] in ("现在", "目前", "当前") and norm[hi:hi + 1] and norm[hi] in _NOT_A_MOMENT:
            continue  # 现在对了 / 现在住在…: not a time anyone books
        start, end = starts[lo], ends[hi - 1]
        result.append(TimeMatch(start, end, text[start:end], _fmt(moment, grain),
                                grain == "minute", grain))
    return result
