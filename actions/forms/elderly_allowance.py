"""高龄津贴申请: the elder's name, ID, phone and address; 80 or older only."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms.base import ServiceForm
from actions.forms.turn import channel_of, now_local
from actions.forms.service_values import check_allowance_age
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService, reset_events
from actions.reminders import under_age_offer
from nlu.rules.id_number import birth_date

# Below this age an ID given for the elderly allowance is taken for someone else's (a
# grandchild sending their own); from it up to 80 the rule is explained and nothing filed.
OLD = 60


class ValidateElderlyAllowanceForm(ServiceForm):
    service = "elderly_allowance"
    home_address = True

    def slots(self, tracker: Tracker) -> List[str]:
        return ["person_name", "id_number", "phone", "address"]

    def validate_id_number(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        result = super().validate_id_number(value, dispatcher, tracker, domain)
        if not result.get("id_number"):
            return result
        age = check_allowance_age(result["id_number"], now_local().date())
        if age.ok:
            return result
        if age.extra.get("applicant_age", OLD) < OLD:
            # A number of someone far from old age is the helper's own, sent by mistake, far
            # more often than an application: ask again for the elder's, saying why.
            born = birth_date(result["id_number"])
            return self._reject("id_number", (
                f"这个身份证号的出生日期是{born.year}年{born.month}月{born.day}日，今年{age.extra['applicant_age']}岁，"
                f"不像是老人的。高龄津贴要用老人本人的身份证号，请再核对一下。"), dispatcher, tracker)
        # Under 80: explain the rule, keep nothing of this application, file nothing.
        dispatcher.utter_message(text=age.reason)
        return {**result, "form_stopped": "under_age"}


class SubmitElderlyAllowance(SubmitService):
    spec = SPECS["elderly_allowance"]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("form_stopped") != "under_age":
            return await super().run(dispatcher, tracker, domain)
        # Nothing filed; with consent, a reminder on the 80th birthday (only that date kept).
        events = reset_events(self.spec)
        text = await under_age_offer(tracker, channel_of(tracker))
        if text:
            dispatcher.utter_message(text=text)
            events.append(SlotSet("profile_offer", True))
        return events
