"""Something said after the case was filed: a correction (刚才电话说错了，是139…) or a
detail to add. It is never dropped: the value is amended in the filed case and the
resident told what changed; when no value can be read, the words go to the case as a
note for staff. Used by the actions that handle values and 不对 outside a form."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment_change import appointment_change
from actions.forms import values
from actions.forms.amend import amendments
from actions.forms.turn import ASKS_AGAIN, now_local
from actions.forms.spec import LABELS, SPECS, display
from actions.handover import describe_iso
from actions.services.registry import services
from nlu.rules.person_name import best_name, find_person_names
from nlu.rules.service_names import SERVICES, service_spans

logger = logging.getLogger(__name__)
CORRECTION = re.compile(r"说错|写错|记错|搞错|弄错|错了|改成|改一下|改为|换成|应该是|不对|更正|补充|忘了说|还有个|"
                        r"还是留|还是用|还是打|留我|换个|用这个|打这个")


def _new_values(text: str, spec_fields: tuple[str, ...]) -> Dict[str, Any]:
    found: Dict[str, Any] = {}
    phone = values.check_phone(text)
    if phone.ok and "phone" in spec_fields:
        found["phone"] = phone.value
    ids = values.find_id_numbers(text)
    if ids and "id_number" in spec_fields:
        found["id_number"] = ids[0].value
    address = values.find_address(text)
    if address and "address" in spec_fields:
        found.update(address=values.written_address(address.text), building=address.building,
                     unit=address.unit, room=address.room)
    time_field = next((f for f in ("appointment_time", "preferred_time") if f in spec_fields), None)
    when = values.said_time(text, now_local(), asked=False) if time_field else None
    if when:
        found[time_field] = when.value
    name = best_name(find_person_names(text))
    if name and "person_name" in spec_fields:
        found["person_name"] = name.value
    return found


def _partial_values(text: str, spec_fields: tuple[str, ...], tracker: Tracker) -> Dict[str, Any]:
    """刚才身份证后四位说错了，是0435: the filed value (kept in this conversation) with the part
    said changed; the back office only shows it masked."""
    held = {f: _last_value(tracker, f) for f in ("id_number", "phone", "address", "person_name") if f in spec_fields}
    changed = amendments(text, {f: v for f, v in held.items() if v})
    address = values.find_address(changed["address"]) if "address" in changed else None
    if address:
        changed.update(building=address.building, unit=address.unit, room=address.room)
    return changed


async def late_correction(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Any] | None:
    """Amend the conversation's last filed case; None when this is no correction of one."""
    changed = await appointment_change(dispatcher, tracker)
    if changed is not None:  # the answer to 改约's question for the new time
        return changed
    case_number = tracker.get_slot("last_case_number")
    text = (tracker.latest_message.get("text") or "").strip()
    if not case_number or not CORRECTION.search(text):
        return None
    backoffice = services().backoffice
    try:
        case = await backoffice.get_case(case_number)
    except Exception as exc:
        logger.warning("case for a late correction unavailable: %s", type(exc).__name__)
        case = None
    service = (case or {}).get("service", "")
    named = {SERVICES[column] for _, _, column in service_spans(text)}
    if service and named and service not in named:
        return None  # 还有个事，低保…: another service named, not this case put right
    spec = SPECS.get(service)
    fields = spec.fields if spec else ("phone", "address", "person_name")
    changes = _new_values(text, fields) or _partial_values(text, fields, tracker)
    try:
        if changes:
            await backoffice.amend_case(case_number, changes, note="居民在提交后更正")
        else:
            await backoffice.amend_case(case_number, {}, note=f"居民补充：{text[:200]}")
    except Exception as exc:
        logger.warning("late correction not amended: %s", type(exc).__name__)
        dispatcher.utter_message(text=f"抱歉，办件 {case_number} 暂时没能修改。我已经记下了，"
                                      f"您也可以说“转人工”，请工作人员帮您改。")
        return []
    if changes:
        said = "，".join(f"{LABELS.get(k, k)}改为{display(k, v, describe_iso)}" for k, v in changes.items()
                        if k not in ("building", "unit", "room"))
        dispatcher.utter_message(text=f"好的，已更正办件 {case_number}：{said}。还有别的要改的吗？")
    else:
        dispatcher.utter_message(text=f"好的，您说的情况已经作为补充说明记在办件 {case_number} 上，"
                                      f"工作人员处理时会看到。")
    return []


def repeat_request(tracker: Tracker) -> List[Any] | None:
    """再给我老婆也约一个: the service just filed once more, for the person named now."""
    again = tracker.get_slot("last_service")
    text = tracker.latest_message.get("text") or ""
    if not again or again not in SPECS or again == "emergency_help" or (tracker.active_loop or {}).get("name"):
        return None
    if not ASKS_AGAIN.search(text):
        return None
    named = {SERVICES[column] for _, _, column in service_spans(text)}
    if named and again not in named:
        return None  # 茶话会 我也报一个: a new request for another service, not this one again
    # The kind chosen last time (家庭医生签约, 上门认证, 助餐) is the same for this person.
    kept = [SlotSet(slot, _last_value(tracker, slot)) for slot in _SAME_KIND
            if slot in SPECS[again].fields and _last_value(tracker, slot)]
    return kept + [SlotSet("repeat_service", True), FollowupAction(f"{again}_form")]


_SAME_KIND = ("consultation_type", "cert_method", "service_type")


def _last_value(tracker: Tracker, slot: str) -> Any:
    return next((e.get("value") for e in reversed(tracker.events)
                 if e.get("event") == "slot" and e.get("name") == slot and e.get("value")), None)
