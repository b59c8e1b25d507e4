"""四点半课堂报名: the child's name and grade (1-6), the guardian, a phone."""
from __future__ import annotations

import re
from typing import Any, List

from rasa_sdk import Tracker

from actions.forms import values
from actions.forms.base import ServiceForm, latest_intent, latest_text
from actions.forms.service_values import check_grade, find_grade
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService


def _names_in(tracker: Tracker) -> List[str]:
    return [e["value"] for e in tracker.latest_message.get("entities") or []
            if e.get("entity") == "person_name"]


# 孩子王小明三年级 / 我女儿李朵朵上二年级: a name right after the word for the child.
_CHILD = re.compile(r"(?:孩子|儿子|女儿|闺女|孙子|孙女|外孙|外孙女)(?:叫|名字叫|是)?"
                    r"([\u4e00-\u9fff]{2,3}?)(?=[，,。\s]|今年|上|在|读|[一二三四五六1-6]年级|$)")


def child_name_in(text: str) -> str | None:
    match = _CHILD.search(text)
    return match.group(1) if match else None


class ValidateAfterSchoolCareForm(ServiceForm):
    service = "after_school_care"

    def slots(self, tracker: Tracker) -> List[str]:
        return ["child_name", "grade", "guardian_name", "phone"]

    async def extract_child_name(self, dispatcher, tracker: Tracker, domain) -> dict:
        # A name in the message that asks for the service is the child's (我儿子王小明…).
        if tracker.get_slot("child_name") or latest_intent(tracker) != self.service:
            return {}
        names = _names_in(tracker) or [child_name_in(latest_text(tracker))]
        return {"child_name": names[0]} if names[0] else {}

    async def extract_guardian_name(self, dispatcher, tracker: Tracker, domain) -> dict:
        # The resident's own name, known from earlier, is the guardian's.
        known = tracker.get_slot("person_name")
        if (not tracker.get_slot("guardian_name") and known and known not in _names_in(tracker)
                and known != tracker.get_slot("child_name")):
            return {"guardian_name": known}
        return {}

    async def extract_grade(self, dispatcher, tracker: Tracker, domain) -> dict:
        grade = find_grade(latest_text(tracker))
        return {"grade": grade} if grade and not tracker.get_slot("grade") else {}

    def validate_child_name(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        return self._result("child_name", values.check_person_name(str(value)), dispatcher, tracker)

    def validate_guardian_name(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        check = values.check_person_name(str(value))
        if check.ok and check.value == tracker.get_slot("child_name"):
            check = values.Check(reason="这是孩子的名字。请说家长（监护人）的姓名。")
        return self._result("guardian_name", check, dispatcher, tracker)

    def validate_grade(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        if isinstance(value, int) and 1 <= value <= 6:
            return {"grade": value}
        return self._result("grade", check_grade(str(value)), dispatcher, tracker)


class SubmitAfterSchoolCare(SubmitService):
    spec = SPECS["after_school_care"]
