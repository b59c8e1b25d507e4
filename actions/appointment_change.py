"""Changing the appointment a reminder was about, after the resident answered 2 (改约).

The reminder's context comes with that message (channels/reminder_replies.py puts it
in the metadata: which case, which service, the old time), so nothing is asked
again: the case is read from the back office for whom it is (the name masked), the
assistant asks only for the new time, checks it as the service's form does (in the
future, within 30 days, inside office hours, the nearest free slots offered by
number), amends the case (`POST /api/v1/cases/{n}/amendments`) and, when the
resident still agrees to appointment reminders, queues the reminder for the new day.
Afterwards the case is the conversation's last one, so a later correction
(电话也改一下，139…) amends it like any case filed in the conversation.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import values
from actions.forms.turn import channel_of, latest_text, now_local
from actions.reminders import requeue_appointment
from actions.services.registry import services
from bot.catalogue import SERVICE_ZH

logger = logging.getLogger(__name__)

ASK_HEAD = "好的，帮您改约"
REASK_HEAD = "改约："
EXAMPLE = "请直接说新的时间，例如“下周五上午十点”；不改了请说“不改了”。"


def change_requested(tracker: Tracker) -> Dict[str, Any] | None:
    """The reminder answered with 2, when this message is that answer."""
    metadata = tracker.latest_message.get("metadata") or {}
    reminder = metadata.get("reminder") or {}
    if metadata.get("reminder_reply") != "change" or reminder.get("kind") != "appointment":
        return None
    return reminder if reminder.get("case_number") else None


def asks_new_time(tracker: Tracker) -> bool:
    """The assistant's last words were the question for the new time."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and event.get("text"):
            return event["text"].startswith((ASK_HEAD, REASK_HEAD))
    return False


def _whom(case: Dict[str, Any] | None) -> str:
    name = ((case or {}).get("fields") or {}).get("person_name") or ""
    return f"，{name}的" if name else "，"


async def start_change(dispatcher: CollectingDispatcher, tracker: Tracker,
                       reminder: Dict[str, Any]) -> List[EventType]:
    case_number, service = reminder["case_number"], reminder.get("service") or ""
    try:
        case = await services().backoffice.get_case(case_number)
    except Exception as exc:  # the question can be asked without the name
        logger.warning("case for a change of appointment unavailable: %s", type(exc).__name__)
        case = None
    service = (case or {}).get("service") or service
    old = values.parse_iso(str(reminder.get("appointment_time") or ""), now_local().tzinfo)
    was = f"原定{values.describe_time(old)}" if old else "原来的时间"
    dispatcher.utter_message(
        text=f"{ASK_HEAD}：办件 {case_number}{_whom(case)}{SERVICE_ZH.get(service, '预约')}，"
             f"{was}。想改到什么时间？{EXAMPLE}")
    return [SlotSet("last_case_number", case_number), SlotSet("last_service", service),
            SlotSet("offered_times", None)]


async def take_new_time(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The answer to the question for the new time: amended, or asked again with why."""
    case_number = tracker.get_slot("last_case_number")
    offered = tracker.get_slot("offered_times") or []
    text = latest_text(tracker)
    picked = values.choose_by_number(text, offered) if offered else None
    check = values.check_appointment(picked, text, now_local(), services().office_hours)
    if not check.ok:
        dispatcher.utter_message(text=f"{REASK_HEAD}{check.reason or EXAMPLE}")
        return [SlotSet("offered_times", check.extra.get("offered_times") or None)]
    try:
        await services().backoffice.amend_case(case_number, {"appointment_time": check.value},
                                               note="居民回复提醒改约")
    except Exception as exc:
        logger.warning("appointment change not amended: %s", type(exc).__name__)
        dispatcher.utter_message(text=f"抱歉，办件 {case_number} 暂时没能改约。您可以稍后再试，"
                                      f"或者说“转人工”，请工作人员帮您改。")
        return [SlotSet("offered_times", None)]
    new = values.parse_iso(check.value, now_local().tzinfo)
    reminded = await requeue_appointment(channel_of(tracker), tracker.sender_id, case_number,
                                         tracker.get_slot("last_service") or "", new)
    also = "前一天我会再提醒您。" if reminded else ""
    dispatcher.utter_message(text=f"好的，办件 {case_number} 已改约到{values.describe_time(new)}。"
                                  f"{also}还有别的事吗？")
    return [SlotSet("offered_times", None)]


async def appointment_change(dispatcher: CollectingDispatcher,
                             tracker: Tracker) -> List[EventType] | None:
    """This turn's part in changing an appointment; None when it has none."""
    reminder = change_requested(tracker)
    if reminder:
        return await start_change(dispatcher, tracker, reminder)
    if tracker.get_slot("last_case_number") and asks_new_time(tracker) and not _gives_up(tracker):
        return await take_new_time(dispatcher, tracker)
    return None


def _gives_up(tracker: Tracker) -> bool:
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return intent in ("cancel", "request_human", "emergency_help")
