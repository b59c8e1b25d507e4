"""紧急求助: after the safety instruction and the urgent case, where and a callback number.

The urgent case is filed and queued for staff before any question (actions/conversation.py);
this form then asks like a dispatcher for what is still missing, adds each answer to the
case at once (the back office's amendment endpoint) and refreshes the staff queue entry,
so the person on duty sees the location while the resident is still talking.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import values
from actions.forms.base import ServiceForm
from actions.services.registry import services

logger = logging.getLogger(__name__)
_PLACE = re.compile(r"楼|栋|幢|单元|室|号|小区|路|街|门口|广场|公园|菜场|超市|车库|电梯|楼道|家|院|村|苑|园|里")


def emergency_place(text: str) -> values.Check:
    """A located address when one is said; otherwise any words that say where (小区东门,
    菜场后面那栋): in an emergency a landmark is worth more than a re-ask."""
    check = values.check_address(text)
    if check.ok:
        return check
    said = text.strip(" ，,。")
    if len(said) >= 4 and _PLACE.search(said) and not re.fullmatch(r"(?:在)?(?:家|家里|家里啊|屋里)[啊呀呢]?", said):
        return values.Check(said[:120], extra={"building": None, "unit": None, "room": None})
    return values.Check(reason="请说具体一点，比如“阳光小区3号楼2单元502”或者“小区东门”，我好告诉工作人员去哪里。")


class ValidateEmergencyHelpForm(ServiceForm):
    service = "emergency_help"
    caller_fills_phone = True

    def slots(self, tracker: Tracker) -> List[str]:
        return ["address", "phone"]

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return [] if tracker.get_slot("form_stopped") else self.slots(tracker)

    async def validate_address(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        place = emergency_place(str(value))
        located = values.find_address(str(value))
        vague = located is None or not any(kind != "area" and not (kind == "estate" and located.text.startswith(("小区", "社区")))
                                           for kind, _, _ in located.parts)
        if tracker.get_slot("requested_slot") != "address" and vague:
            # 小区花园有个大爷晕倒了: which estate is still to be asked, so ask it.
            return {"address": None}
        result = self._result("address", place, dispatcher, tracker)
        if result.get("address"):
            await amend_emergency(tracker, {k: result.get(k) for k in ("address", "building", "unit", "room")})
        return result

    async def validate_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[str, Any]:
        result = self._result("phone", values.check_phone(str(value)), dispatcher, tracker)
        if result.get("phone"):
            await amend_emergency(tracker, {"phone": result["phone"]})
        return result


async def amend_emergency(tracker: Tracker, changes: Dict[str, Any]) -> None:
    """Add what the resident just said to the urgent case and to the staff queue entry."""
    changes = {k: v for k, v in changes.items() if v not in (None, "")}
    svc = services()
    case_number = tracker.get_slot("emergency_case_number")
    if case_number:
        try:
            await svc.backoffice.amend_case(case_number, changes)
        except Exception as exc:  # the queue entry below still tells staff
            logger.warning("emergency case %s not amended: %s", case_number, type(exc).__name__)
    try:
        handoff = await svc.handoffs.get(tracker.sender_id)
        if handoff is not None:
            handoff.slots.update(changes)
            said = "，".join(f"{k}={v}" for k, v in changes.items() if k in ("address", "phone"))
            handoff.summary = f"{handoff.summary}；补充：{said}"
            await svc.handoffs.add(handoff)
    except Exception as exc:
        logger.warning("handoff entry not refreshed: %s", type(exc).__name__)


class ActionSubmitEmergencyHelp(Action):
    """The details are in: say so, and what to do while help comes."""

    def name(self) -> Text:
        return "action_submit_emergency_help"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("form_stopped"):
            return [SlotSet("form_stopped", None), SlotSet("validation_failures", None)]
        dispatcher.utter_message(
            text="地址和回拨电话已经补充到紧急求助单上，值班工作人员会马上联系您。请保持电话畅通；"
                 "情况危急请直接拨打120（急救）或119（火警）。")
        return [SlotSet("requested_slot", None), SlotSet("validation_failures", None)]
