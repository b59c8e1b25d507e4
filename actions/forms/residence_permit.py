"""居住证办理预约: name, ID, phone and a time inside office hours."""
from __future__ import annotations

from typing import List

from rasa_sdk import Tracker

from actions.forms.base import ServiceForm
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService


class ValidateResidencePermitForm(ServiceForm):
    service = "residence_permit"

    def slots(self, tracker: Tracker) -> List[str]:
        return ["person_name", "id_number", "phone", "appointment_time"]


class SubmitResidencePermit(SubmitService):
    spec = SPECS["residence_permit"]
