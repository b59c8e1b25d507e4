"""物业报修: address, what is wrong (the category follows from it), phone, when to come."""
from __future__ import annotations

import re
from typing import Any, List

from rasa_sdk import Tracker

from actions.forms import values
from actions.forms.base import ServiceForm
from actions.forms.turn import (EXPLICIT_INTERRUPT, INTERRUPTING_INTENTS, confirms, latest_intent,
                               latest_text, looks_like_answer, now_local)
from actions.forms.service_values import repair_category_of
from actions.forms.spec import ANY_TIME, SPECS
from actions.forms.submit import SubmitService
from nlu.rules.address import find_address
from nlu.rules.digits import normalise_digit_runs
from nlu.rules import clock
from nlu.rules.timeexpr import TZ, find_times

SPEC = SPECS["property_repair"]

# Phones and ID numbers (with the words that introduce them) never belong in
# a free-text description; the address has its own field.
_CONTACT = re.compile(r"(?:我的)?(?:联系)?(?:电话|手机|手机号|号码|身份证)?(?:号码?)?(?:是|:|：)?\s*[\dXx]{7,}")
_LEAD = re.compile(r"^(?:喂+|你好|您好|在吗|那个|就是|嗯+|报修|保修|包修|我要报修|我想报修|我要保修|我想保修|"
                   r"我想报个修|报个修|维修|物业|麻烦|一下|我家的|家里的|我家|家里)[\s，,。！!:：]*")
_ANY = re.compile(r"随时|都行|都可以|尽快|越快越好|什么时候都|没要求|不限|任何时间|都方便|看你们|你们定|"
                  r"不用约|不用预约|直接(?:来)?修")


def strip_contact(text: str) -> str:
    """A complaint's words as said, places included, without phone or ID numbers."""
    return _trim(_CONTACT.sub("", normalise_digit_runs(text))) or text.strip()


def clean_description(text: str) -> str:
    """The problem in the resident's words, without the address, phone, visit time or
    the words that only ask for the service."""
    text = _CONTACT.sub("", normalise_digit_runs(text))
    cut = [(m.start, m.end) for m in find_times(text, clock.now(TZ))]
    address = find_address(text)
    if address:
        cut.append((address.start, address.end))
    rest = text
    for start, end in sorted(cut, reverse=True):
        rest = rest[:start] + "，" + rest[end:]
    rest = _trim(rest)
    # 3号楼楼道灯不亮: without the address too little may be left to act on.
    return rest if len(rest) >= 4 else _trim(text)


_REQUEST_WORDS = re.compile(r"我要|我想|想要|要|报修|报个修|保修|包修|维修|修理|修一下|找人|来修|帮我|帮忙|请|一下|麻烦|你好|您好|物业|[，,。！!？?\s]")


def says_what_is_wrong(text: str) -> bool:
    """我要报修 only asks for the service; 厨房下水道堵了 describes a problem."""
    return len(_REQUEST_WORDS.sub("", text)) >= 3


def _trim(text: str) -> str:
    text = re.sub(r"[，,。！!\s]*[，,。][，,。！!\s]*", "，", text)
    for _ in range(3):
        text = _LEAD.sub("", text.strip(" ，,。！!"))
    # 下午三点以后家里有人 says when, not what: a short closing clause only (老有人给电动车充电 stays)
    text = re.sub(r"(?:(?:以后|之后|以前)?(?:家里|家)|以后|之后)(?:有人|在家)[^，,。\s]{0,6}$|(?:^|[，,。\s])(?:有人|在家)[^，,。\s]{0,4}$",
                  "", text)
    text = re.sub(r"[，,\s]*(?:请|麻烦)?(?:派人)?(?:过来|上门)?(?:来修|修一下|来看看|看看|来人)(?:一下)?[吧啊]?$", "", text)
    return re.sub(r"^[\s，,。]*(?:的)?|[\s，,。]+$", "", text)


class ValidatePropertyRepairForm(ServiceForm):
    service = "property_repair"
    home_address = True

    def slots(self, tracker: Tracker) -> List[str]:
        return ["address", "description", "repair_category", "phone", "preferred_time"]

    async def extract_description(self, dispatcher, tracker: Tracker, domain) -> dict:
        """An opening message that tells the problem is the description; an answer to the
        question is passed on to the validator (get_extraction_events)."""
        if tracker.get_slot("description") or latest_intent(tracker) != "property_repair":
            return {}
        text = clean_description(latest_text(tracker))
        return {"description": text} if says_what_is_wrong(text) else {}

    async def extract_repair_category(self, dispatcher, tracker: Tracker, domain) -> dict:
        """The category follows from what is wrong; a problem no category fits is `other`,
        for staff to route, rather than a question the resident cannot answer."""
        if tracker.get_slot("repair_category"):
            return {}
        said = tracker.get_slot("description") or (
            clean_description(latest_text(tracker)) if latest_intent(tracker) == "property_repair" else "")
        if tracker.get_slot("requested_slot") == "description":
            said = latest_text(tracker)
            if latest_intent(tracker) in INTERRUPTING_INTENTS or EXPLICIT_INTERRUPT.search(said):
                return {}  # 算了不办了 is no problem to file: the rules take it
        if not said or not says_what_is_wrong(said):
            return {}
        return {"repair_category": repair_category_of(said)}

    async def extract_preferred_time(self, dispatcher, tracker: Tracker, domain) -> dict:
        text = latest_text(tracker)
        if tracker.get_slot("preferred_time"):
            # 时间改一下，改成周六上午十点 at the read-back
            # (时间改一下吧，明天下午3点: any exact time said at the read-back that is not a yes)
            at_readback = tracker.get_slot("requested_slot") == "confirm" and not confirms(text)
            said = values.said_time(text, now_local(), asked=False) if at_readback else None
            changed = said.value if said and said.value != tracker.get_slot("preferred_time") else None
            return {"preferred_time": changed} if changed else {}
        requested = tracker.get_slot("requested_slot")
        if requested == "preferred_time" and _ANY.search(text) \
                and not values.said_time(text, now_local(), asked=False):
            return {"preferred_time": ANY_TIME}
        if requested != "preferred_time" and latest_intent(tracker) != "property_repair":
            return {}
        if latest_intent(tracker) in INTERRUPTING_INTENTS and not looks_like_answer(requested, text):
            return {}  # 你们周六上班吗 asks about Saturday; it books nothing
        found = values.said_time(text, now_local(), asked=requested == "preferred_time")
        return {"preferred_time": found.value} if found else {}

    def validate_description(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        text = clean_description(str(value))
        if len(text) < 2:
            return self._reject("description", "请再具体说说是什么问题，例如“卫生间水管漏水”。",
                                dispatcher, tracker)
        return {"description": text[:500]}

    def validate_preferred_time(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        if value == ANY_TIME:
            return {"preferred_time": ANY_TIME}
        if _ANY.search(str(value)) and not values.said_time(str(value), now_local(), asked=False):
            return {"preferred_time": ANY_TIME}
        return super().validate_preferred_time(value, dispatcher, tracker, domain)


class SubmitPropertyRepair(SubmitService):
    spec = SPEC
