"""社保待遇资格认证: who, ID, phone, method; time and address only when needed."""
from __future__ import annotations

from typing import List

from rasa_sdk import Tracker

from actions.forms.base import ServiceForm
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService

SPEC = SPECS["social_security_certification"]

NEEDS_APPOINTMENT = {"home_visit", "window"}


class ValidateSocialSecurityCertificationForm(ServiceForm):
    service = "social_security_certification"
    home_address = True

    def slots(self, tracker: Tracker) -> List[str]:
        slots = ["person_name", "id_number", "phone", "cert_method"]
        method = tracker.get_slot("cert_method")
        if method in NEEDS_APPOINTMENT:
            slots.append("appointment_time")
        if method == "home_visit":
            slots.append("address")
        return slots


class SubmitSocialSecurityCertification(SubmitService):
    spec = SPEC

    def submission(self, tracker: Tracker):
        submission = super().submission(tracker)
        method = submission.fields.get("cert_method")
        # A stale time or address from earlier talk is not part of this case.
        if method not in NEEDS_APPOINTMENT:
            submission.fields.pop("appointment_time", None)
        if method != "home_visit":
            for name in ("address", "building", "unit", "room"):
                submission.fields.pop(name, None)
        return submission
