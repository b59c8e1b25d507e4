"""低保/困难救助: collect the basics, file for a caseworker, hand over to a human."""
from __future__ import annotations

import re
from typing import Any, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handover import hand_over
from actions.forms.base import ServiceForm
from actions.forms.turn import latest_text
from actions.forms.property_repair import clean_description
from actions.forms.service_values import check_free_text, check_household_size
from actions.forms.values import Check
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService


HOUSEHOLD = re.compile(r"[0-9一二两三四五六七八九十]+\s*口人?|家里[0-9一二两三四五六七八九十]+个人|"
                       r"一个人住|就我一个|独居|老两口|两口子")


class ValidateSubsistenceAllowanceForm(ServiceForm):
    service = "subsistence_allowance"
    speaker_may_be_the_person = True

    def slots(self, tracker: Tracker) -> List[str]:
        return ["person_name", "phone", "household_size", "situation"]

    def side_values(self, tracker: Tracker) -> List[EventType]:
        """Household size when said anywhere; what the opening said of the situation is
        kept and the answer to the situation question is added to it."""
        text = latest_text(tracker)
        events: List[EventType] = []
        current = tracker.get_slot("household_size")
        # (不对 家里是四口人 at the read-back corrects it)
        if HOUSEHOLD.search(text) and (not current or tracker.get_slot("requested_slot") == "confirm"):
            size = check_household_size(text)
            if size.ok and size.value != current:
                events.append(SlotSet("household_size", size.value))
        return events

    def opening_situation(self, tracker: Tracker) -> str | None:
        """What the message that asked for help said of the situation (家里实在困难，老伴生病)."""
        said = clean_description(self.opening_message(tracker) or "")
        return said[:300] if len(said) >= 8 else None

    def validate_household_size(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        if isinstance(value, int):
            return {"household_size": value}
        return self._result("household_size", check_household_size(str(value)), dispatcher, tracker)

    def validate_situation(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        check = check_free_text(str(value), "家里的困难", "老伴住院了，家里没有收入")
        if check.ok:
            opening = self.opening_situation(tracker)
            if opening and check.value not in opening:
                check = Check(f"{opening}；{check.value}"[:500])
        return self._result("situation", check, dispatcher, tracker)


class SubmitSubsistenceAllowance(SubmitService):
    spec = SPECS["subsistence_allowance"]

    def tell(self, dispatcher: CollectingDispatcher, case_number: str | None) -> None:
        super().tell(dispatcher, case_number)
        dispatcher.utter_message(
            text="低保和困难救助需要社工了解家里的具体情况，我现在帮您转给社工，请稍等。")

    async def after_filing(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                           case_number: str | None = None) -> List[EventType]:
        return await hand_over(tracker, "caseworker", service=self.spec.service)
