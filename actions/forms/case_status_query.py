"""办理进度查询: by case number, or by the phone the resident gives."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms.base import ServiceForm
from actions.forms.turn import INTERRUPTING_INTENTS, latest_intent
from actions.forms.spec import display, mask_phone
from bot.catalogue import SERVICE_ZH, STATUS_ZH
from actions.services.backoffice import BackofficeRejected, BackofficeUnavailable
from actions.services.registry import services
from nlu.rules.case_number import find_case_numbers
from nlu.rules.phone import find_phones

logger = logging.getLogger(__name__)

# The kind inside a service, said with it (咨询预约·家庭医生签约, 居家养老服务·助洁).
_KIND_FIELDS = ("consultation_type", "service_type", "repair_category", "cert_method", "kind")


def describe_case(case: Dict[str, Any]) -> str:
    service = SERVICE_ZH.get(case.get("service", ""), case.get("service", ""))
    fields = case.get("fields") or {}
    kind = next((display(f, fields[f], str) for f in _KIND_FIELDS if fields.get(f)), None)
    service = f"{service}·{kind}" if kind else service
    status = STATUS_ZH.get(case.get("status", ""), case.get("status", ""))
    created = str(case.get("created_at", ""))[:10]
    return f"{case.get('case_number')}（{service}，{created}提交）：{status}"


class ValidateCaseStatusQueryForm(ServiceForm):
    """Asks for a case number unless a phone is given; no read-back needed."""

    service = "case_status_query"
    caller_fills_phone = True

    def slots(self, tracker: Tracker) -> List[str]:
        return ["case_number"]

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        if tracker.get_slot("form_stopped"):
            return []  # three misses: a person takes it from here, no endless asking
        if latest_intent(tracker) == "case_status_query" and (
                tracker.get_slot("phone") or tracker.get_slot("last_case_number")):
            return []  # the cases filed in this conversation, or by the phone already given
        return ["case_number"]

    async def extract_case_number(self, dispatcher, tracker: Tracker, domain) -> dict:
        if tracker.get_slot("requested_slot") != "case_number":
            return {}
        if latest_intent(tracker) in INTERRUPTING_INTENTS:
            return {}
        text = tracker.latest_message.get("text") or ""
        if find_case_numbers(text):
            return {}  # the extractor's entity fills the slot
        phones = find_phones(text)
        if phones:
            return {"phone": phones[0].value, "case_number": "by_phone"}
        return {"case_number": text}

    def validate_case_number(self, value, dispatcher, tracker: Tracker, domain) -> dict:
        if value == "by_phone" or find_case_numbers(str(value)):
            return {"case_number": value if value == "by_phone" else find_case_numbers(str(value))[0].value}
        return self._reject("case_number", "没听清编号。受理编号像“SQ20261128-000123”这样；"
                            "也可以直接说办理时留的手机号。", dispatcher, tracker)


class ActionQueryCaseStatus(Action):
    def name(self) -> Text:
        return "action_query_case_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        number = tracker.get_slot("case_number")
        phone = tracker.get_slot("phone")
        try:
            if not number and tracker.get_slot("last_case_number"):
                text = await self.this_conversation(tracker.sender_id, phone)
            else:
                text = await self.lookup(number, phone)
        except (BackofficeUnavailable, BackofficeRejected) as exc:
            logger.warning("case status lookup failed: %s", exc)
            text = "抱歉，查询系统暂时连不上，请过几分钟再试，或者说“转人工”。"
        dispatcher.utter_message(text=text)
        return [SlotSet("case_number", None), SlotSet("requested_slot", None)]

    async def this_conversation(self, sender: str, phone: str | None) -> str:
        """刚才报的那个怎么样了: every case filed in this conversation (and by its phone)."""
        backoffice = services().backoffice
        cases = await backoffice.cases_by_conversation(sender)
        if phone:
            seen = {c.get("case_number") for c in cases}
            cases += [c for c in await backoffice.cases_by_phone(phone) if c.get("case_number") not in seen]
        if not cases:
            return "还没有查到办件，可能还在提交中，请稍后再问。"
        return "查到了：\n" + "\n".join(describe_case(c) for c in cases[:5])

    async def lookup(self, number: str | None, phone: str | None) -> str:
        backoffice = services().backoffice
        if number and number != "by_phone":
            case = await backoffice.get_case(number)
            if not case:
                return f"没有找到编号为 {number} 的办件，请核对一下编号。"
            return "查到了：" + describe_case(case)
        cases = await backoffice.cases_by_phone(phone)
        if not cases:
            return f"用手机号 {mask_phone(phone)} 没有查到办件。如果是用别的号码登记的，请告诉我那个号码或受理编号。"
        lines = [describe_case(c) for c in cases[:5]]
        more = f"\n（共{len(cases)}件，只列出最近5件）" if len(cases) > 5 else ""
        return f"用手机号 {mask_phone(phone)} 查到{len(cases)}件，最新的在前：\n" + "\n".join(lines) + more
