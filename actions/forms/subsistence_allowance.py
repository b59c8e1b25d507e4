"""低保/困难救助: collect the basics, file for a caseworker, hand over to a human."""
from __future__ import annotations

import re
from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handover import hand_over
from actions.forms.base import ServiceForm, latest_intent, latest_text
from actions.forms.property_repair import clean_description
from actions.forms.service_values import check_household_size
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService


HOUSEHOLD = re.compile(r"[0-9一二两三四五六七八九十]+\s*口人?|家里[0-9一二两三四五六七八九十]+个人")


class ValidateSubsistenceAllowanceForm(ServiceForm):
    service = "subsistence_allowance"

    def slots(self, tracker: Tracker) -> List[str]:
        return ["person_name", "phone"]

    def side_values(self, tracker: Tracker) -> List[EventType]:
        """Household size and the situation are kept when said, never required."""
        text = latest_text(tracker)
        events: List[EventType] = []
        if HOUSEHOLD.search(text):
            size = check_household_size(text)
            if size.ok:
                events.append(SlotSet("household_size", size.value))
        situation = clean_description(text)
        if latest_intent(tracker) == self.service and len(situation) >= 8:
            events.append(SlotSet("situation", situation[:500]))
        return events


class SubmitSubsistenceAllowance(SubmitService):
    spec = SPECS["subsistence_allowance"]

    def tell(self, dispatcher: CollectingDispatcher, case_number: str | None) -> None:
        super().tell(dispatcher, case_number)
        dispatcher.utter_message(
            text="低保和困难救助需要社工了解家里的具体情况，我现在帮您转给社工，请稍等。")

    async def after_filing(self, dispatcher: CollectingDispatcher,
                           tracker: Tracker) -> List[EventType]:
        return await hand_over(tracker, "caseworker", service=self.spec.service)
