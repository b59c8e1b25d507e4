"""Submission after the read-back: one code path for every service."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms.base import load_profile
from actions.forms.turn import channel_of
from actions.forms.spec import SPECS, ServiceSpec
from actions.handover import hand_over
from actions.reminders import offer_text, reminder_offer
from actions.services.filing import file_submission
from actions.services.registry import services
from state.outbox import Submission, submission_key

logger = logging.getLogger(__name__)

FORM_CONTROL_SLOTS = ("confirm", "offered_times", "validation_failures", "requested_slot",
                      "form_stopped", "profile_declined", "earlier_phone")


def idempotency_key(tracker: Tracker, service: str) -> str:
    """Stable for one filled form, whatever happens to the turn that confirms it; the
    console computes the same key when staff file the form for the resident."""
    return submission_key(tracker.sender_id, service, tracker.events, tracker.latest_message)


def reset_events(spec: ServiceSpec) -> List[EventType]:
    return [SlotSet(name, None) for name in spec.reset + FORM_CONTROL_SLOTS]


class SubmitService(Action, ABC):
    """Subclasses name their service's spec; this class is never registered."""

    @property
    @abstractmethod
    def spec(self) -> ServiceSpec:
        ...

    def name(self) -> Text:
        return f"action_submit_{self.spec.service}"

    def submission(self, tracker: Tracker) -> Submission:
        return Submission(
            idempotency_key=idempotency_key(tracker, self.spec.service),
            service=self.spec.service,
            fields=self.spec.case_fields(tracker.current_slot_values()),
            channel=tracker.get_latest_input_channel() or "rest",
            conversation_id=tracker.sender_id,
            priority=self.spec.priority,
            needs_caseworker=self.spec.needs_caseworker,
        )

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        stopped = tracker.get_slot("form_stopped")
        if stopped == "validation_failed":
            events = await hand_over(tracker, "validation_failed", service=self.spec.service)
            dispatcher.utter_message(response="utter_handoff")
            return events + [SlotSet("form_stopped", None), SlotSet("validation_failures", None)]
        if stopped == "requested":
            dispatcher.utter_message(response="utter_handoff")
            events = await hand_over(tracker, "requested", service=self.spec.service)
            return events + [SlotSet("form_stopped", None),
                             SlotSet("paused_form", f"{self.spec.service}_form")]
        if stopped and stopped.startswith("again:"):
            # The same service as the last one, for the person named now: what this
            # message said stays; only the form's own state is cleared.
            return [SlotSet(name, None) for name in FORM_CONTROL_SLOTS] + [
                SlotSet("repeat_service", True), FollowupAction(f"{stopped.split(':', 1)[1]}_form")]
        if stopped and stopped.startswith("switch:"):
            return self.switch(dispatcher, stopped.split(":", 1)[1])
        if stopped == "progress":  # the case just filed: its progress, nothing filed again
            return reset_events(self.spec) + [FollowupAction("action_query_case_status")]
        if stopped:
            return reset_events(self.spec)  # the validator already said why
        if tracker.get_slot("confirm") is not True:
            dispatcher.utter_message(text="还没有确认，这次没有提交。")
            return reset_events(self.spec)
        svc = services()
        result = await file_submission(svc.outbox, svc.backoffice, self.submission(tracker))
        events = reset_events(self.spec)
        if result.rejected:
            self.refused(dispatcher, result.rejected)
            return events
        self.tell(dispatcher, result.case_number)
        if result.case_number:
            events.append(SlotSet("last_case_number", result.case_number))
        events.append(SlotSet("last_service", self.spec.service))
        return events + await self.after_filing(dispatcher, tracker, result.case_number)

    def switch(self, dispatcher: CollectingDispatcher, service: str) -> List[EventType]:
        """A new request in the middle of this one: this one is left unfiled, saying so,
        and the new service's form starts with what the resident just said."""
        new = SPECS.get(service)
        if new is None:
            return reset_events(self.spec)
        dispatcher.utter_message(text=f"好的，{self.spec.title}先不办了，现在帮您办{new.title}。")
        return reset_events(self.spec) + [FollowupAction(f"{service}_form")]

    async def after_filing(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                           case_number: str | None = None) -> List[EventType]:
        return await offer_profile(dispatcher, tracker, case_number, self.spec.service)

    def refused(self, dispatcher: CollectingDispatcher, reason: str) -> None:
        dispatcher.utter_message(
            text=f"抱歉，业务后台没有接受这次{self.spec.title}，没有生成受理编号。"
                 f"您可以说“转人工”，工作人员帮您处理。")

    def tell(self, dispatcher: CollectingDispatcher, case_number: str | None) -> None:
        if case_number:
            dispatcher.utter_message(
                text=f"已为您提交{self.spec.title}，受理编号是 {case_number}。"
                     f"之后说“查进度”并报这个编号或您的手机号，就能查询办理进度。")
        else:
            dispatcher.utter_message(
                text=f"您的{self.spec.title}已经记录下来了。系统正在连接业务后台，"
                     f"稍后会自动提交，不需要您再说一遍。提交后可以用手机号查询进度。")


PROFILE_OFFER = "要不要我记住您的姓名、电话和地址？下次办事就不用再说一遍了（保存30天）。回复“好”或“不用”。"


async def offer_profile(dispatcher: CollectingDispatcher, tracker: Tracker,
                        case_number: str | None = None, service: str = "") -> List[EventType]:
    """One question after filing: the profile (once per identity, when there is
    something worth remembering) and the reminders this case allows (actions/reminders.py)."""
    text = await reminder_offer(tracker, channel_of(tracker), case_number, service,
                                await _profile_wanted(tracker))
    if text is None:
        return []
    dispatcher.utter_message(text=PROFILE_OFFER if text == offer_text([], True) else text)
    return [SlotSet("profile_offer", True)]


async def _profile_wanted(tracker: Tracker) -> bool:
    slots = tracker.current_slot_values()
    if tracker.get_slot("profile_consent") is not None:
        return False
    if not any(slots.get(name) for name in ("person_name", "phone", "address")):
        return False
    return not await load_profile(tracker)
