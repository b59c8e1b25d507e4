"""四点半课堂报名: the child's name and grade (1-6), the guardian, a phone."""
from __future__ import annotations

import re
from typing import Any, List

from rasa_sdk import Tracker

from actions.forms import values
from actions.forms.base import ServiceForm
from actions.forms.turn import latest_intent, latest_text, names_in
from actions.forms.service_values import check_grade, find_grade
from actions.forms.spec import SPECS
from nlu.rules.person_name import CHILD_RELATIONS, read_name
from actions.forms.submit import SubmitService


# In after-school care a brother or sister named is one of the children (姐姐叫许婉清).
_KIDS = CHILD_RELATIONS | {"姐姐", "哥哥", "弟弟", "妹妹", "姐", "哥", "弟", "妹", "老大", "老二", "大的", "小的"}


def _pick(names: List[dict], roles: tuple[str, ...], child: bool | None = None) -> str | None:
    for role in roles:
        for name in names:
            if name.get("name_role") != role:
                continue
            if child is not None and (name.get("relation") in _KIDS) != child:
                continue
            return name["value"]
    return None


# 孩子王小明三年级 / 我女儿李朵朵上二年级: a name right after the word for the child.
_CHILD = re.compile(r"(?:孩子|儿子|女儿|闺女|孙子|孙女|外孙|外孙女)(?:叫|名字叫|是)?"
                    r"([\u4e00-\u9fff]{2,3}?)(?=[，,。\s]|今年|上|在|读|[一二三四五六1-6]年级|$)")


def child_name_in(text: str) -> str | None:
    match = _CHILD.search(text)
    if not match or read_name(text, match.start(1)) is None:
        return None
    start, end = read_name(text, match.start(1))
    return text[start:end]


class ValidateAfterSchoolCareForm(ServiceForm):
    service = "after_school_care"

    def slots(self, tracker: Tracker) -> List[str]:
        return ["child_name", "grade", "guardian_name", "phone"]

    async def extract_person_name(self, dispatcher, tracker: Tracker, domain) -> dict:
        return {}  # this form has a child and a guardian instead

    async def extract_child_name(self, dispatcher, tracker: Tracker, domain) -> dict:
        """孩子叫陈浩然 / 我孙子陈浩然: a name said with the word for a child is the child's;
        in the opening message or in answer to the question, a name said for someone else
        (他叫…, 姓名是…) is too. The speaker's own name never is."""
        names = names_in(tracker)
        current = tracker.get_slot("child_name")
        requested = tracker.get_slot("requested_slot")
        value = _pick(names, ("served",), child=True)
        if value is None and (requested in ("child_name", "confirm") and not current
                              or latest_intent(tracker) == self.service and not current):
            said_for_child = child_name_in(latest_text(tracker))
            helpers = {n["value"] for n in names if n.get("name_role") in ("helper", "self")}
            value = _pick(names, ("served", "named"), child=False) or (
                said_for_child if said_for_child not in helpers else None)
        if value is None or value == current:
            return {}
        return {"child_name": value}

    async def extract_guardian_name(self, dispatcher, tracker: Tracker, domain) -> dict:
        """我是他妈妈刘敏 / 我叫刘敏: the speaker is the guardian; a name known from an
        earlier request in the conversation is theirs too."""
        names = names_in(tracker)
        current = tracker.get_slot("guardian_name")
        value = _pick(names, ("helper", "self"))
        if value is None and tracker.get_slot("requested_slot") == "guardian_name":
            value = _pick(names, ("named", "served"), child=False)
        known = tracker.get_slot("person_name")
        if value is None and not current and known and known != tracker.get_slot("child_name") \
                and known not in [n["value"] for n in names]:
            value = known
        if value is None or value == current or value == tracker.get_slot("child_name"):
            return {}
        return {"guardian_name": value}

    async def extract_grade(self, dispatcher, tracker: Tracker, domain) -> dict:
        # At the read-back a grade said again is a correction (年级说错了，是五年级).
        grade = find_grade(latest_text(tracker))
        current = tracker.get_slot("grade")
        if grade and (not current or tracker.get_slot("requested_slot") == "confirm") and grade != current:
            return {"grade": grade}
        return {}

    def validate_child_name(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        check = values.check_person_name(str(value), prefer=("served", "named", "self"))
        return self._result("child_name", check, dispatcher, tracker)

    def validate_guardian_name(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        check = values.check_person_name(str(value), prefer=("helper", "self", "named", "served"))
        if check.ok and check.value == tracker.get_slot("child_name"):
            check = values.Check(reason="这是孩子的名字。请说家长（监护人）的姓名。")
        return self._result("guardian_name", check, dispatcher, tracker)

    def validate_grade(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        if isinstance(value, int) and 1 <= value <= 6:
            return {"grade": value}
        return self._result("grade", check_grade(str(value)), dispatcher, tracker)


class SubmitAfterSchoolCare(SubmitService):
    spec = SPECS["after_school_care"]
