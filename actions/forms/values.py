"""Pure checks of what residents give for each slot, with reasons in plain Chinese.

Each check returns a `Check`: the normalised value when it is acceptable, or
a reason and an example to re-ask with. No Rasa here, so every rule is
tested directly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any

from nlu.rules import clock
from nlu.rules.address import find_address, find_addresses
from nlu.rules.address_edit import complete_address, written_address
from nlu.rules.gazetteer import lookup
from nlu.rules.id_number import SPOKEN_X, find_id_numbers, id_problem, normalise_id, valid_id_within
from nlu.rules.office_hours import OfficeHours
from nlu.rules.person_name import bare_name, best_name, find_person_names, listed_name
from nlu.rules.phone import find_phones, phone_problem
from nlu.rules.timeexpr import TZ, TimeMatch, find_times
from nlu.rules.timepick import days_said, resolve_time
from nlu.rules.vocab import GAZETTEERS

WEEKDAYS_ZH = "一二三四五六日"


@dataclass
class Check:
    value: Any = None
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.reason is None and self.value not in (None, "")


def check_phone(text: str) -> Check:
    phones = find_phones(text)
    if phones:
        return Check(phones[0].value)
    reason = phone_problem(text) or "这不像是一个电话号码"
    return Check(reason=f"{reason}。请再说一遍，例如“13812345678”。")


_POSITION_WORDS = re.compile(r"(?:最后|末尾?)[一1]?(?:个|位)(?:数字?)?|一位一位")


def check_id_number(text: str, today: datetime | None = None) -> Check:
    found = find_id_numbers(text)
    if found:
        return Check(found[0].value)
    # 最后一个是X / 最后一位是叉: the words naming a position hold no digit of the number
    spoken = _POSITION_WORDS.sub("", re.sub(SPOKEN_X, "X", text))
    candidate = re.sub(r"[^0-9Xx零〇洞一幺二两三四五六七拐八九叉]", "", spoken)
    # 倒数第二位是九 五幺幺三二幺…: a digit said before the number runs into it; the one
    # 18-character stretch that passes the checksum is the number.
    digits = normalise_id(candidate) if candidate else ""
    within = valid_id_within(digits) if len(digits) > 18 else None
    if within:
        return Check(within)
    if len(digits) == 18 and id_problem(digits) is None:  # words between the groups: 零三八 最后一个是 X
        return Check(digits)
    # No digit at all: say so, rather than counting the words as digits.
    reason = id_problem(digits, today.date() if today else None) if candidate else None
    return Check(reason=f"{reason or '没有听到身份证号'}。请再核对一下，18位，最后一位可能是X。")


# "I don't remember / don't know / didn't bring it": not a wrong value but a missing one.
_DONT_KNOW = re.compile(r"不记得|记不得|记不清|记不住|忘了|忘记|想不起|不知道|不清楚|不晓得|说不上来|没带")
_WHERE_TO_FIND = {
    "id_number": "身份证号印在身份证正面最下面一行，户口本上也有，可以拿出来照着念。",
    "phone": "留家里人的手机号或者家里的座机也可以。",
    "address": "说到几号楼几单元几号就行，门牌上也写着。",
    "case_number": "办理编号在当时的回复或短信里；没有编号的话，报登记时留的手机号也能查。",
}


def dont_know_reason(slot: str, text: str) -> str | None:
    """A kind re-ask when the resident says they don't know or remember (no value given)."""
    if not _DONT_KNOW.search(text or "") or re.search(r"\d", text):
        return None
    return f"没关系。{_WHERE_TO_FIND.get(slot, '')}实在想不起来，可以说“转人工”，请工作人员帮您。"


# The speaker asks for their own name on the form (the person booking, the contact).
_OWN_NAME_WANTED = re.compile(r"(?:登记|写|填|留|用|记)(?:上|成)?我(?:自己)?的?(?:名字|姓名)?|就写我|我的名字就行|写我本人")


def check_person_name(text: str, prefer: tuple[str, ...] = ("served", "named", "self")) -> Check:
    """A name said alone (张秀英) or in a frame (我老伴叫周玉芬, 帮我爸何建军申请)."""
    names = find_person_names(text)
    picked = best_name(names, prefer)
    if picked:
        return Check(picked.value)
    alone = bare_name(text)
    if alone and not names:
        return Check(alone)
    if names:  # 三年级 孙小北 报课后托管 家长孙伟: the helper named, the person listed bare
        others = text
        for name in names:
            others = others[:name.start] + " " * (name.end - name.start) + others[name.end:]
        listed = listed_name(others)
        if listed:
            return Check(listed.value)
    if names and _OWN_NAME_WANTED.search(text):  # 登记我的名字吧，我是孩子妈妈，叫苏敏
        return Check(names[0].value)
    if names:  # only the speaker's own name, as a relative: 我是他闺女林小红
        return Check(reason=f"好的，您是{names[0].value}。请再说一下办理人本人的姓名，例如“张秀英”。")
    return Check(reason="没听清姓名。请说一下全名，例如“张秀英”，或者“我母亲叫张秀英”。")


# A free-form address must at least name a kind of place.
_PLACE_WORDS = re.compile(r"小区|路|街|巷|弄|号|楼|栋|幢|单元|室|院|村|苑|园|大厦|公寓|广场|车库|门|社区|家园|新村|里")


_INDOOR_ONLY = re.compile(r"^(?:家里|屋里|楼道|楼梯|厨房|卫生间|阳台|客厅|卧室)")


def said_address(text: str) -> str | None:
    """The address a message gives: after 不是…是 / 改成 the new one, else the fullest."""
    found = find_addresses(text)
    if not found:
        return None
    cue = None
    for cue in _CHANGE_TO.finditer(text):
        pass
    if cue is not None:
        after = [a for a in found if a.start >= cue.end()]
        before = [a for a in found if a.end <= cue.start()]
        if after and before:  # 东湖新村9幢405，哦不对，是9幢504: the place said first, put right
            new = max(after, key=lambda a: (len(a.parts), a.end - a.start))
            return complete_address(new.text, before[-1].text)
        found = after or found
    best = max(found, key=lambda a: (len(a.parts), a.end - a.start))
    # 我家在清河小区，就是靠马路那边的，5号楼1单元303: the estate said first is part of it
    named_before = [a for a in found if a.end <= best.start and a.parts
                    and all(kind in ("district", "road", "estate") for kind, _, _ in a.parts)]
    return complete_address(best.text, named_before[-1].text) if named_before else best.text


def check_address(text: str, known: str | None = None) -> Check:
    """``known``: the address given before, which a correction from the building down
    (是2号楼1单元203) keeps the estate or road of."""
    if known and find_address(text):
        text = complete_address(text, known)
    match = find_address(text)
    if match and match.unit and match.room and not match.building \
            and not any(kind in ("road_no", "lane", "group") for kind, _, _ in match.parts):
        # 幸福小区2单元301: a flat in a unit of no building; an estate has many
        return Check(reason=f"“{written_address(match.text)}”还缺楼号。请连楼号一起再说一遍，"
                            f"例如“3号楼2单元502”。")
    if match:
        parts = {"building": match.building, "unit": match.unit, "room": match.room}
        return Check(written_address(match.text), extra=parts)
    cleaned = text.strip(" ，,。")
    # An estate or road the parser could not place (a rural group, an unusual name) is
    # still an address when it is short and names a kind of place with a number.
    if 4 <= len(cleaned) <= 30 and _PLACE_WORDS.search(cleaned) and re.search(r"\d|[一二三四五六七八九十]", cleaned) \
            and not find_times(cleaned, clock.now(TZ)) and not _INDOOR_ONLY.search(cleaned):
        return Check(cleaned, extra={"building": None, "unit": None, "room": None})
    return Check(reason="地址不够具体。请说到楼号、单元和门牌，例如“3号楼2单元502”。")


def check_vocab(entity: str, text: str) -> Check:
    match = lookup(text, entity)
    if match:
        return Check(match.value)
    return Check(reason="没听明白您选的是哪一项。请说选项的序号或名称。")


def choose_by_number(text: str, options: list[str]) -> str | None:
    """Map 1 / 第二个 / 二 to the matching option."""
    ordinals = {"1": 0, "一": 0, "2": 1, "二": 1, "两": 1, "3": 2, "三": 2,
                "4": 3, "四": 3, "5": 4, "五": 4, "6": 5, "六": 5, "7": 6, "七": 6, "8": 7, "八": 7}
    m = re.fullmatch(r"\s*(?:第|选)?\s*([1-8一二两三四五六七八])\s*(?:个|项|号|种)?\s*(?:吧|。)?\s*", text)
    if not m:
        return None
    index = ordinals[m.group(1)]
    return options[index] if index < len(options) else None


def parse_iso(value: str, tz) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def describe_time(dt: datetime) -> str:
    half = "上午" if dt.hour < 12 else "下午"
    return f"{dt.month}月{dt.day}日（周{WEEKDAYS_ZH[dt.weekday()]}）{half}{dt.hour}:{dt.minute:02d}"


_CHANGE_TO = re.compile(r"改成|改到|改为|换成|换到|调到|挪到|应该是|不是.{1,12}?是|"
                        r"(?:不对|[说打写输搞填]错了?|说反了)[，,\s]*(?:不对[，,\s]*)*(?:是|就是)?")


_BARE_DAY_NUMBER = re.compile(r"\s*[0-9０-９一二三四五六七八九十两]{1,3}\s*[号日]\s*")


def names_a_day_or_clock(text: str) -> bool:
    """The message names a moment, not only a number with 号 (衣锦坊23号 is a house)."""
    return any(not _BARE_DAY_NUMBER.fullmatch(m.text) for m in find_times(text, clock.now(TZ)))


_BARE_WEEKDAY = re.compile(r"(?<![下这本上])(?:礼拜|星期|周)([一二三四五六日天])")
_WEEKDAY_NUMBER = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def in_week_of(held: str, new: str, text: str, today: date | None = None) -> str:
    """礼拜二我要上班，改成礼拜三 at the read-back of 下周二: the Wednesday of the week held,
    not this week's. A day said with 下/这/本 is taken as said."""
    held_dt, new_dt = parse_iso(held, TZ), parse_iso(new, TZ)
    if held_dt is None or new_dt is None or not any(
            _WEEKDAY_NUMBER[m.group(1)] == new_dt.weekday() for m in _BARE_WEEKDAY.finditer(text)):
        return new
    day = held_dt.date() + timedelta(days=new_dt.weekday() - held_dt.weekday())
    if day == new_dt.date() or day <= (today or clock.now(TZ).date()):
        return new
    return day.isoformat() + new[10:]


def said_time(text: str, now: datetime, asked: bool = True) -> TimeMatch | None:
    """The time meant: after 改成/换到 the new one (下周四我有事，改成下周五上午十点).
    ``asked``: the message answers the time question, so a bare 下午 counts."""
    cue = None
    for cue in _CHANGE_TO.finditer(text):
        pass
    if cue is not None:
        later = resolve_time(text[cue.end():], now, asked)
        whole = resolve_time(text, now, asked) if later else None
        if whole and later.grain == "day" and whole.value[:10] == later.value[:10]:
            return whole  # 十点半 还是下礼拜三: the clock said before it, on that day
        if whole and later.grain == "minute" and whole.value[10:] == later.value[10:] \
                and not days_said(text[cue.end():], now):
            return whole  # 后天下午三点 哦不对 三点半: the day said before it
        if later:
            return later
    return resolve_time(text, now, asked)


def corrected_time(text: str, now: datetime) -> str | None:
    """A time said after 改成/换到, if the message changes one."""
    match = said_time(text, now) if _CHANGE_TO.search(text) else None
    return match.value if match else None


def _time_value(value: Any, text: str, now: datetime, asked: bool) -> tuple[str | None, str]:
    """The value and its grain (day / halfday / minute): what the message says when it
    says a time, else the value handed in (a numbered choice, a slot set earlier)."""
    match = said_time(text, now, asked)
    if match is not None:
        return match.value, match.grain
    if find_times(text, now):  # only a bare 现在 / 晚上 inside a story: no time for booking
        return None, "day"
    if not isinstance(value, str) or not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return None, "day"
    return value, ("minute" if "T" in value else "day")


def check_appointment(value: Any, text: str, now: datetime, hours: OfficeHours,
                      day_hint: str | None = None, asked: bool = True) -> Check:
    """An appointment inside office hours, in the future, within the horizon.

    ``day_hint``: the day the assistant just offered times on (12月16日具体几点？), so a
    bare 上午十点 in answer means that day, not today. Not ``asked`` (a time inside the
    opening story): only a day or a clock counts, and no time is no complaint."""
    value, grain = _time_value(value, text, now, asked)
    if value and day_hint and "T" in value and not days_said(text, now):
        value = f"{day_hint[:10]}T{value[11:16]}"
    dt = parse_iso(value, now.tzinfo) if value else None
    if dt is None:
        return Check(reason="没听清时间。请说具体的日期和时间，例如“下周一上午10点”" if asked else None)
    if grain in ("day", "halfday"):
        window = None
        if grain == "halfday":
            window = (dtime(0), dtime(12)) if dt.hour < 12 else (dtime(12), dtime(23, 59))
        slots = hours.slots_on(dt.date(), now, window)[:3]
        if slots:
            return _suggest(f"{dt.month}月{dt.day}日具体几点方便？", slots)
        dt = dt.replace(hour=dt.hour if grain == "halfday" else 9)
    result = hours.check_appointment(dt, now)
    if result.ok:
        return Check(dt.strftime("%Y-%m-%dT%H:%M"))
    return _suggest(result.reason_zh, result.suggestions)


def _suggest(reason: str, suggestions: list[datetime]) -> Check:
    options = [s.strftime("%Y-%m-%dT%H:%M") for s in suggestions[:3]]
    listed = "；".join(f"{i}. {describe_time(s)}" for i, s in enumerate(suggestions[:3], 1))
    hint = f"可以选：{listed}，回复序号即可，或者说一个别的时间。" if options else "请换一个时间。"
    return Check(reason=f"{reason.rstrip('。？?')}。{hint}", extra={"offered_times": options})


def check_preferred_time(value: Any, text: str, now: datetime, horizon_days: int = 30,
                         asked: bool = True) -> Check:
    """A repair visit may be any future time within the horizon."""
    value, _ = _time_value(value, text, now, asked)
    dt = parse_iso(value, now.tzinfo) if value else None
    if dt is None:
        return Check(reason="没听清时间，例如“明天上午”。" if asked else None)
    end_of_day = dt.replace(hour=23, minute=59) if "T" not in value else dt
    if end_of_day < now:
        return Check(reason="这个时间已经过去了，请说一个以后的时间")
    if (dt - now).days > horizon_days:
        return Check(reason=f"只能预约{horizon_days}天以内的时间")
    return Check(value)
