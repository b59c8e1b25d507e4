"""物业报修: address, category, description, phone; optional preferred time."""
from __future__ import annotations

import re
from typing import Any, List

from rasa_sdk import Tracker

from actions.forms.base import ServiceForm, latest_intent
from actions.forms.spec import ServiceSpec, register
from actions.forms.submit import SubmitService
from nlu.rules.digits import normalise_digit_runs

SPEC = register(ServiceSpec(
    service="property_repair",
    title="物业报修",
    fields=("address", "repair_category", "description", "phone", "preferred_time"),
    reset=("repair_category", "description", "preferred_time"),
))

# Long digit runs (phones, ID numbers) never belong in a free-text description.
_LONG_DIGITS = re.compile(r"\d{7,}")


def clean_description(text: str) -> str:
    return _LONG_DIGITS.sub("", normalise_digit_runs(text)).strip(" ，,。")


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
