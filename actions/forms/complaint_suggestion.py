"""投诉建议: complaint or suggestion, what about, a phone unless anonymous."""
from __future__ import annotations

import re
from typing import Any, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.forms import values

from actions.forms.base import ServiceForm
from actions.forms.turn import latest_intent, latest_text
from actions.forms.property_repair import strip_contact
from actions.forms.service_values import check_free_text, check_kind, find_kind
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService
from state.outbox import Submission

ANONYMOUS = re.compile(r"匿名|不留(?:电话|号码|名字)?|不想留|不用留|不方便留|不要(?:电话|留)")
# 我要投诉 / 我提个建议 only ask for the service; anything more is the content.
_ASKING = re.compile(r"我要|我想|想|要|投诉|举报|反映|提个?|建议|意见|一下|你好|您好|社区|[，,。！!？?\s]")


# An opening that says this much of the matter (楼上装修天天早上七点就开始电钻) is the content;
# one that only names it (我要投诉小区门口的烧烤摊, 想反映个停车的问题) leaves the form to ask
# for the details, and keeps both.
CONTENT_IN_OPENING = 13
_TOPIC_ONLY = re.compile(r"(?:我?有个?)?(?:关于|有关|针对)[^，,。！!？?]{1,20}?的?(?:事情?|问题|情况|方面)?")
_ABOUT_ANONYMITY = re.compile(r"[^，,。！!？?\s]*(?:匿名|留名|留名字|留电话|留号码)[^，,。！!？?\s]*")


def said_enough(text: str, enough: int) -> bool:
    """The opening says at least ``enough`` characters of the matter itself."""
    rest = _ASKING.sub("", _ABOUT_ANONYMITY.sub("", text))
    if _TOPIC_ONLY.fullmatch(rest):
        return False  # 关于你们服务中心窗口排队的: what it is about, not what happened
    return len(re.findall(r"[\u4e00-\u9fff0-9A-Za-z]", rest)) >= enough


# 投诉还是建议？ answered with "either / no idea"
_EITHER = re.compile(r"不知道|不晓得|不清楚|唔知|都行|都可以|随便|无所谓|你(?:们)?(?:看着|定)|说不好|分不清|不懂")


class ValidateComplaintSuggestionForm(ServiceForm):
    service = "complaint_suggestion"

    def slots(self, tracker: Tracker) -> List[str]:
        slots = ["kind", "content"]
        return slots if tracker.get_slot("anonymous") else slots + ["phone"]

    def side_values(self, tracker: Tracker) -> List[EventType]:
        if ANONYMOUS.search(latest_text(tracker)):
            return [SlotSet("anonymous", True), SlotSet("phone", None)]
        return []

    async def extract_kind(self, dispatcher, tracker: Tracker, domain) -> dict:
        kind = find_kind(latest_text(tracker))
        current = tracker.get_slot("kind")
        starting = not current and latest_intent(tracker) == self.service
        # 其实也不算投诉，就当个建议吧 at the read-back changes it
        changing = tracker.get_slot("requested_slot") == "confirm" and kind != current
        if kind and (starting or changing):
            return {"kind": kind}
        return {}

    async def extract_content(self, dispatcher, tracker: Tracker, domain) -> dict:
        if tracker.get_slot("content") or latest_intent(tracker) != self.service:
            return {}
        text = strip_contact(latest_text(tracker))
        return {"content": text} if said_enough(text, CONTENT_IN_OPENING) else {}

    def validate_kind(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        if value in ("complaint", "suggestion"):
            return {"kind": value}
        check = check_kind(str(value))
        content = tracker.get_slot("content")
        if not check.ok and content and _EITHER.search(str(value)):
            # 不知道 / 都行: what they told decides, and staff read it whichever it is
            kind = "suggestion" if find_kind(content) == "suggestion" else "complaint"
            dispatcher.utter_message(text=f"好的，先按{'建议' if kind == 'suggestion' else '投诉（反映问题）'}登记，"
                                          f"工作人员会看具体内容处理。")
            return self._accept("kind", values.Check(kind), tracker)
        return self._result("kind", check, dispatcher, tracker)

    def validate_content(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        check = check_free_text(strip_contact(str(value)), "具体情况",
                                "小区东门晚上路灯一直不亮")
        # 我要投诉小区门口的烧烤摊 + the answer to 请说说具体情况: staff read both
        opening = strip_contact(self.opening_message(tracker) or "")
        if check.ok and said_enough(opening, 2) and check.value not in opening and opening not in check.value:
            check = values.Check(f"{opening}；{check.value}"[:500])
        return self._result("content", check, dispatcher, tracker)

    def validate_phone(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        declined = latest_intent(tracker) == "deny" and tracker.get_slot("requested_slot") == "phone" \
            and not values.find_phones(latest_text(tracker))
        if declined or (tracker.get_slot("anonymous") and not values.find_phones(latest_text(tracker))):
            return {"phone": None, "anonymous": True}
        result = super().validate_phone(value, dispatcher, tracker, domain)
        if result.get("phone"):
            result["anonymous"] = None  # a number given after all: not anonymous
        return result


class SubmitComplaintSuggestion(SubmitService):
    spec = SPECS["complaint_suggestion"]

    def submission(self, tracker: Tracker) -> Submission:
        submission = super().submission(tracker)
        if tracker.get_slot("anonymous"):
            submission.fields.pop("phone", None)
            submission.fields["anonymous"] = True
        return submission
