"""咨询预约: lawyer, counsellor or family doctor; who, phone, when, about what."""
from __future__ import annotations

import re
from typing import Any, List

from rasa_sdk import Tracker

from actions.forms.base import ServiceForm, latest_intent, latest_text
from actions.forms.service_values import check_free_text
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService

# What is left of 我想约个律师咨询一下 once the asking is taken away is no topic.
_ASKING = re.compile(
    r"我想|我要|想要|想|要|预约|约个?|咨询|问问|问一下|一下|请问|能不能|可以|帮我|麻烦|你好|您好|"
    r"律师|法律|心理|心理医生|心理咨询师|咨询师|家庭医生|签约|医生|个|的|了|吗|呢|啊|有关|关于|方面|"
    r"社区|中心|[0-9]+|[，,。！!？?\s]")


def topic_from_opening(text: str) -> str | None:
    text = re.sub(r"(下|这|本|明|后)?(周|星期|礼拜)[一二三四五六日天]|[今明后]天|[上下]午|\d+点", "", text)
    return text.strip(" ，,。") if len(_ASKING.sub("", text)) >= 4 else None


class ValidateConsultationBookingForm(ServiceForm):
    service = "consultation_booking"

    def slots(self, tracker: Tracker) -> List[str]:
        return ["consultation_type", "person_name", "phone", "appointment_time", "topic"]

    async def extract_topic(self, dispatcher, tracker: Tracker, domain) -> dict:
        if tracker.get_slot("topic") or latest_intent(tracker) != self.service:
            return {}
        topic = topic_from_opening(latest_text(tracker))
        return {"topic": topic} if topic else {}

    def validate_topic(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        check = check_free_text(str(value), "想咨询什么问题", "孩子抚养权怎么判")
        return self._result("topic", check, dispatcher, tracker)


class SubmitConsultationBooking(SubmitService):
    spec = SPECS["consultation_booking"]
