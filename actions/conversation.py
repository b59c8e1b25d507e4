"""Conversation control: read-back, repeat, cancel, hand over to a human."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms.base import looks_like_answer
from actions.forms.spec import SPECS
from actions.forms.submit import idempotency_key, reset_events
from actions.handover import active_service, describe_iso, hand_over
from actions.services.filing import file_submission
from actions.services.registry import services
from state.outbox import Submission

logger = logging.getLogger(__name__)


class ActionAskConfirm(Action):
    def name(self) -> Text:
        return "action_ask_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "deny" and not tracker.latest_message.get("entities"):
            return []  # the validator already asked what to change
        spec = SPECS.get(active_service(tracker) or "")
        if spec:
            dispatcher.utter_message(text=spec.summary(tracker.current_slot_values(), describe_iso))
        return []


class ActionDigress(Action):
    """A question in the middle of a form: answered, then the form asks again.

    When the "question" is really a plain answer to the slot being asked
    (a name the classifier took for something else) nothing is said and the
    form takes it as the answer.
    """

    def name(self) -> Text:
        return "action_digress"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        if looks_like_answer(tracker.get_slot("requested_slot"), text):
            return []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "faq":
            answer = faq_answer(tracker)
            if answer:
                dispatcher.utter_message(text=answer)
            else:
                dispatcher.utter_message(response="utter_default")
        elif intent == "bot_challenge":
            dispatcher.utter_message(response="utter_iamabot")
        elif intent == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        return []  # repeat: the form asks its question again right after this


def faq_answer(tracker: Tracker) -> str | None:
    selector = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    responses = (selector.get("response") or {}).get("responses") or []
    return responses[0].get("text") if responses else None


class ActionRepeatLast(Action):
    def name(self) -> Text:
        return "action_repeat_last"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        if (tracker.active_loop or {}).get("name"):
            return []  # the form asks its question again right after this
        last = [e for e in tracker.events if e.get("event") == "bot" and e.get("text")]
        if not last:
            dispatcher.utter_message(response="utter_greet")
            return []
        # Repeat the last bot turn, which may have been several messages.
        turn = []
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                break
            if event.get("event") == "bot" and event.get("text"):
                turn.append(event["text"])
        for text in reversed(turn or [last[-1]["text"]]):
            dispatcher.utter_message(text=text)
        return []


class ActionCancelService(Action):
    def name(self) -> Text:
        return "action_cancel_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        spec = SPECS.get(active_service(tracker) or "")
        if not tracker.active_loop.get("name"):
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return [ActiveLoop(None)]
        dispatcher.utter_message(response="utter_cancelled")
        events: List[EventType] = [ActiveLoop(None)]
        if spec:
            events += reset_events(spec)
        else:
            events += [SlotSet("requested_slot", None), SlotSet("case_number", None)]
        return events


async def file_emergency(tracker: Tracker) -> str | None:
    """An urgent case at once, without a read-back; the outbox keeps it through an outage."""
    spec = SPECS["emergency_help"]
    slots = dict(tracker.current_slot_values())
    slots["emergency_type"] = slots.get("emergency_type") or "other"
    submission = Submission(
        idempotency_key=idempotency_key(tracker, spec.service), service=spec.service,
        fields=spec.case_fields(slots), channel=tracker.get_latest_input_channel() or "rest",
        conversation_id=tracker.sender_id, priority="urgent")
    svc = services()
    try:
        result = await file_submission(svc.outbox, svc.backoffice, submission)
    except Exception as exc:  # the handover must happen whatever filing does
        logger.error("emergency case not filed: %s", type(exc).__name__)
        return None
    return result.case_number


async def emergency_handover(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Safety instruction first, an urgent case, then the top of the staff queue."""
    dispatcher.utter_message(response="utter_emergency_safety")
    case_number = await file_emergency(tracker)
    events = await hand_over(tracker, "emergency", urgent=True)
    if case_number:
        dispatcher.utter_message(text=f"已登记紧急求助，编号 {case_number}。")
        events.append(SlotSet("last_case_number", case_number))
    return events + [SlotSet("emergency_type", None)]




class ActionRequestHuman(Action):
    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        events = await hand_over(tracker, "requested")
        dispatcher.utter_message(response="utter_handoff")
        return events


class ActionEmergencyHandoff(Action):
    def name(self) -> Text:
        return "action_emergency_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        return await emergency_handover(dispatcher, tracker)
