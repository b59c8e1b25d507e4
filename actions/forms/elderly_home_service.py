"""居家养老服务: which service, for whom, where, phone, when; how often if said."""
from __future__ import annotations

from typing import Any, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.forms.base import ServiceForm
from actions.forms.turn import latest_text
from actions.forms.service_values import check_frequency, find_frequency
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService


class ValidateElderlyHomeServiceForm(ServiceForm):
    service = "elderly_home_service"
    home_address = True

    def slots(self, tracker: Tracker) -> List[str]:
        return ["service_type", "person_name", "address", "phone", "appointment_time", "frequency"]

    async def extract_frequency(self, dispatcher, tracker: Tracker, domain) -> dict:
        """Said anywhere (下周二上午十点开始送，每周一三五), or in answer to the question."""
        if tracker.get_slot("requested_slot") == "frequency":
            return {}  # the answer goes to the validator, which says what it could not read
        frequency = find_frequency(latest_text(tracker))
        return {"frequency": frequency} if frequency and frequency != tracker.get_slot("frequency") else {}

    def validate_frequency(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        if value in (None, ""):
            return {}
        check = check_frequency(str(value))
        return self._result("frequency", check, dispatcher, tracker)


class SubmitElderlyHomeService(SubmitService):
    spec = SPECS["elderly_home_service"]
