"""居家养老服务: which service, for whom, where, phone, when; how often if said."""
from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.forms.base import ServiceForm, latest_text
from actions.forms.service_values import find_frequency
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService


class ValidateElderlyHomeServiceForm(ServiceForm):
    service = "elderly_home_service"

    def slots(self, tracker: Tracker) -> List[str]:
        return ["service_type", "person_name", "address", "phone", "appointment_time"]

    def side_values(self, tracker: Tracker) -> List[EventType]:
        frequency = find_frequency(latest_text(tracker))
        return [SlotSet("frequency", frequency)] if frequency else []


class SubmitElderlyHomeService(SubmitService):
    spec = SPECS["elderly_home_service"]
