"""Queue a conversation for staff with what has been collected so far.

Used by the conversation-control actions, the forms' submit actions and the
fallback; it imports none of them.
"""
from __future__ import annotations

import logging
from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet

from actions.forms.spec import display
from actions.forms.values import WEEKDAYS_ZH, describe_time, parse_iso
from actions.services.registry import services
from state.handoff import Handoff

logger = logging.getLogger(__name__)


def active_service(tracker: Tracker) -> str | None:
    loop = (tracker.active_loop or {}).get("name") or ""
    return loop[: -len("_form")] if loop.endswith("_form") else None


def describe_iso(value: str) -> str:
    dt = parse_iso(value, None)
    if dt and "T" not in str(value):  # a day without a time
        return f"{dt.month}月{dt.day}日（周{WEEKDAYS_ZH[dt.weekday()]}）"
    return describe_time(dt) if dt else value


async def hand_over(tracker: Tracker, reason: str, urgent: bool = False,
                    service: str | None = None) -> List[EventType]:
    """Queue the conversation for staff with what has been collected so far."""
    service = service or active_service(tracker)
    slots = {k: v for k, v in tracker.current_slot_values().items()
             if v not in (None, "", [], {}) and k not in ("validation_failures", "requested_slot")}
    summary_bits = [f"{k}={display(k, v, describe_iso)}" for k, v in slots.items()
                    if k in ("phone", "id_number", "repair_category", "cert_method", "address")]
    handoff = Handoff(
        conversation_id=tracker.sender_id, reason=reason,
        channel=tracker.get_latest_input_channel() or "rest", service=service, slots=slots,
        summary=f"{service or '未在办理业务'}；{'，'.join(summary_bits)}；原话：{(tracker.latest_message.get('text') or '')[:80]}",
        urgent=urgent,
    )
    await services().handoffs.add(handoff)
    logger.info("handoff queued reason=%s service=%s", reason, service)
    events: List[EventType] = [SlotSet("handoff_reason", reason), ActiveLoop(None),
                               SlotSet("requested_slot", None)]
    loop = (tracker.active_loop or {}).get("name")
    if loop and reason in RESUMABLE and service not in ("emergency_help", "case_status_query"):
        # Kept for the hand-back: the form resumes where it stopped, nothing said is lost.
        events.append(SlotSet("paused_form", loop))
    return events


# Handovers after which the resident's form may go on (a caseworker's or an
# emergency's conversation stays with staff).
RESUMABLE = ("requested", "fallback", "validation_failed")
