"""高龄津贴申请: the elder's name, ID, phone and address; 80 or older only."""
from __future__ import annotations

from typing import Any, List

from rasa_sdk import Tracker

from actions.forms.base import ServiceForm, now_local
from actions.forms.service_values import check_allowance_age
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService


class ValidateElderlyAllowanceForm(ServiceForm):
    service = "elderly_allowance"

    def slots(self, tracker: Tracker) -> List[str]:
        return ["person_name", "id_number", "phone", "address"]

    def validate_id_number(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        result = super().validate_id_number(value, dispatcher, tracker, domain)
        if not result.get("id_number"):
            return result
        age = check_allowance_age(result["id_number"], now_local().date())
        if age.ok:
            return result
        # Under 80: explain the rule, keep nothing of this application, file nothing.
        dispatcher.utter_message(text=age.reason)
        return {**result, "form_stopped": "under_age"}


class SubmitElderlyAllowance(SubmitService):
    spec = SPECS["elderly_allowance"]
