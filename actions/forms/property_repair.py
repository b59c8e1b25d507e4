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
    text = normalise_digit_runs(text)
    address = find_address(text)
    if address:
        text = text[:address.start] + text[address.end:]
    text = _CONTACT.sub("", text)
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
        return {"description": text} if len(text) >= 6 else {}

    def validate_description(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        text = clean_description(str(value))
        if len(text) < 2:
            return self._reject("description", "请再具体说说是什么问题，例如“卫生间水管漏水”。",
                                dispatcher, tracker)
        return {"description": text[:500]}


class SubmitPropertyRepair(SubmitService):
    spec = SPEC
