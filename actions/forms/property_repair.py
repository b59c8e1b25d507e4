"""物业报修: address, category, description, phone; optional preferred time."""
from __future__ import annotations

import re
from typing import Any, List

from rasa_sdk import Tracker

from actions.forms.base import ServiceForm, latest_intent
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService
from nlu.rules.address import find_address
from nlu.rules.digits import normalise_digit_runs

SPEC = SPECS["property_repair"]

# Phones and ID numbers (with the words that introduce them) never belong in
# a free-text description; the address has its own field.
_CONTACT = re.compile(r"(?:我的)?(?:联系)?(?:电话|手机|手机号|号码|身份证)?(?:号码?)?(?:是|:|：)?\s*[\dXx]{7,}")


def clean_description(text: str) -> str:
    text = _CONTACT.sub("", normalise_digit_runs(text))
    address = find_address(text)
    if address:
        rest = _trim(text[:address.start] + text[address.end:])
        # 3号楼楼道灯不亮: without the address too little may be left to act on.
        if len(rest) >= 4:
            return rest
    return _trim(text)


_REQUEST_WORDS = re.compile(r"我要|我想|想要|要|报修|报个修|保修|包修|维修|修理|修一下|找人|来修|帮我|帮忙|请|一下|麻烦|你好|您好|物业|[，,。！!？?\s]")


def says_what_is_wrong(text: str) -> bool:
    """我要报修 only asks for the service; 厨房下水道堵了 describes a problem."""
    return len(_REQUEST_WORDS.sub("", text)) >= 3


def _trim(text: str) -> str:
    return re.sub(r"^[\s，,。]*(?:我家|家里)?[的\s，,]*|[\s，,。]+$", "", text)


class ValidatePropertyRepairForm(ServiceForm):
    service = "property_repair"

    def slots(self, tracker: Tracker) -> List[str]:
        return ["address", "repair_category", "description", "phone"]

    async def extract_description(self, dispatcher, tracker: Tracker, domain) -> dict:
        """An opening message that tells the problem is the description."""
        if tracker.get_slot("description") or latest_intent(tracker) != "property_repair":
            return {}
        text = clean_description(tracker.latest_message.get("text") or "")
        return {"description": text} if says_what_is_wrong(text) else {}

    def validate_description(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        text = clean_description(str(value))
        if len(text) < 2:
            return self._reject("description", "请再具体说说是什么问题，例如“卫生间水管漏水”。",
                                dispatcher, tracker)
        return {"description": text[:500]}


class SubmitPropertyRepair(SubmitService):
    spec = SPEC
