"""咨询预约: lawyer, counsellor or family doctor; who, phone, when, about what."""
from __future__ import annotations

import re
from typing import Any, List

from rasa_sdk import Tracker

from actions.forms.base import ServiceForm
from actions.forms.turn import latest_intent, latest_text
from actions.forms.service_values import check_free_text
from actions.forms.values import Check
from actions.forms.spec import SPECS
from nlu.rules.gazetteer import lookup
from nlu.rules.person_name import RELATIONS, find_person_names
from actions.forms.submit import SubmitService

# What is left of 我想约个律师咨询一下 once the asking is taken away is no topic.
_ASKING = re.compile(
    r"我想|我要|想要|想|要|预约|约个?|咨询|问问|问一下|一下|请问|能不能|可以|帮我|麻烦|你好|您好|"
    r"律师|法律|心理|心理医生|心理咨询师|咨询师|家庭医生|签约|医生|个|的|了|吗|呢|啊|有关|关于|方面|"
    r"社区|中心|[0-9]+|咱们?|是不是|能不能|能|给|我家|我们|老头子|老太太|老伴|我爸|我妈|爸|妈|他|她|"
    r"这个|那个|办|不|签|约|小区|是|有|吧|就|那|行|哪|怎么|什么|时候|老人|孩子|看看|聊聊|找|人|"
    r"喂|叫|还|时间|和|啊|呀|哦|嗯|我|"
    r"[，,。！!？?\s]")


_RELATION = re.compile("|".join(RELATIONS) + "|老丈人|丈人")


# An opening that says this much beyond asking is the topic itself; less, and the form asks
# what it is about and keeps both (想给我爸妈签家庭医生 + 他们都有高血压).
TOPIC_IN_OPENING = 6


# A family doctor is signed for a condition: an opening that names none (想给家里两位老人签个
# 家庭医生, 以后开药方便) leaves the form to ask what it is about.
_CONDITION = re.compile(r"病|血压|血糖|血脂|糖尿|心脏|冠心|支架|中风|脑梗|癌|肿瘤|瘫|手术|术后|关节|骨折|哮喘|"
                        r"肺|肾|肝|痛风|失眠|慢性|疼|痛|残疾|痴呆|帕金森|卧床|透析|康复|怀孕|孕")


def topic_from_opening(text: str, enough: int = 2) -> str | None:
    text = re.sub(r"(下|这|本|明|后)?(周|星期|礼拜)[一二三四五六日天]|[今明后]天|[上下]午|\d+点", "", text)
    for name in find_person_names(text):
        text_wo = text.replace(name.value, "")
        text = text_wo if text_wo.strip() else text
    rest = _ASKING.sub("", _RELATION.sub("", text))
    return text.strip(" ，,。") if len(rest) >= enough else None


def opening_topic(text: str, kind: str | None) -> str | None:
    """The topic an opening states well enough not to be asked for."""
    topic = topic_from_opening(text, enough=TOPIC_IN_OPENING)
    if topic and kind == "family_doctor" and not _CONDITION.search(topic):
        return None
    return topic


class ValidateConsultationBookingForm(ServiceForm):
    service = "consultation_booking"
    speaker_may_be_the_person = True

    def slots(self, tracker: Tracker) -> List[str]:
        return ["consultation_type", "person_name", "phone", "appointment_time", "topic"]

    async def extract_topic(self, dispatcher, tracker: Tracker, domain) -> dict:
        if tracker.get_slot("topic") or latest_intent(tracker) != self.service:
            return {}
        text = latest_text(tracker)
        match = lookup(text, "consultation_type")
        topic = opening_topic(text, tracker.get_slot("consultation_type") or (match.value if match else None))
        return {"topic": topic} if topic else {}

    def validate_topic(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        check = check_free_text(str(value), "想咨询什么问题", "孩子抚养权怎么判")
        opening = self.opening_topic(tracker)
        if check.ok and opening and check.value not in opening and opening not in check.value:
            check = Check(f"{opening}；{check.value}"[:500])
        return self._result("topic", check, dispatcher, tracker)

    def opening_topic(self, tracker: Tracker) -> str | None:
        """What the message that asked for the appointment said of the matter, if anything."""
        opening = self.opening_message(tracker)
        return topic_from_opening(opening) if opening else None


class SubmitConsultationBooking(SubmitService):
    spec = SPECS["consultation_booking"]
