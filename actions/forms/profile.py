"""Remembered contact details: offered when a form needs them, saved on consent.

A form asks for a phone, a name or an address through these actions rather
than a fixed response, so a returning resident hears "还是用尾号5678的电话吗？"
instead of being asked again. The wording per service stays in the domain
(`utter_prompt_<service>_<slot>`, else `utter_prompt_<slot>`).
"""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handover import active_service
from actions.forms.base import load_profile
from actions.forms.turn import caller_number, channel_of, latest_intent
from actions.reminders import answer_offer, is_offer
from actions.services.registry import services
from actions.corrections import late_correction, repeat_request
from state.profile import PROFILE_FIELDS

logger = logging.getLogger(__name__)


def mask_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 2) + name[-1] if len(name) >= 3 else name[0] + "*"


def offer_text(slot: str, value: str) -> str:
    if slot == "phone":
        return f"还是用尾号{value[-4:]}的电话吗？是的话回复“是”，不是请直接说新号码。"
    if slot == "person_name":
        return f"还是登记“{mask_name(value)}”这个名字吗？是的话回复“是”，不是请说姓名。"
    return f"地址还是“{value}”吗？是的话回复“是”，不是请说新地址。"


class AskWithProfile(Action, ABC):
    """Not registered itself (abstract): one subclass per offerable slot."""

    @property
    @abstractmethod
    def slot(self) -> str:
        ...

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        declined = tracker.get_slot("profile_declined") or []
        earlier = tracker.get_slot("earlier_phone") if self.slot == "phone" else None
        if earlier:  # a second request, for someone else
            dispatcher.utter_message(text=f"联系电话还用刚才尾号{earlier[-4:]}的这个吗？"
                                          f"是的话说“是”；要留别的号码，请直接说号码。")
            return []
        profile = await load_profile(tracker) if self.slot not in declined else {}
        if profile.get(self.slot):
            dispatcher.utter_message(text=offer_text(self.slot, profile[self.slot]))
            return []
        caller = caller_number(tracker) if self.slot == "phone" and self.slot not in declined else None
        if caller and len(caller) >= 7:
            dispatcher.utter_message(text=f"联系电话就用您现在打来的这个号码（尾号{caller[-4:]}）吗？"
                                          f"是的话说“是”；要留别的号码，请直接说号码。")
            return []
        service = active_service(tracker) or ""
        specific = f"utter_prompt_{service}_{self.slot}"
        responses = domain.get("responses", {})
        dispatcher.utter_message(
            response=specific if specific in responses else f"utter_prompt_{self.slot}")
        return []


class ActionAskPhone(AskWithProfile):
    slot = "phone"


class ActionAskPersonName(AskWithProfile):
    slot = "person_name"


class ActionAskAddress(AskWithProfile):
    slot = "address"


def _offer_was_last(tracker: Tracker) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and event.get("text"):
            return is_offer(event["text"])
    return False


class ActionHandleYesNo(Action):
    """是/不是 outside a form: the answer to the profile offer, else a prompt."""

    def name(self) -> Text:
        return "action_handle_yes_no"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        if not (tracker.get_slot("profile_offer") and _offer_was_last(tracker)):
            repeated = repeat_request(tracker)
            if repeated:
                return repeated + [SlotSet("profile_offer", None)]
            corrected = await late_correction(dispatcher, tracker)
            if corrected is not None:
                return corrected + [SlotSet("profile_offer", None)]
            dispatcher.utter_message(response="utter_anything_else")
            return [SlotSet("profile_offer", None)]
        events: List[EventType] = [SlotSet("profile_offer", None)]
        agreed = latest_intent(tracker) == "affirm"
        offer = await answer_offer(channel_of(tracker), tracker.sender_id, agreed)
        reminders = bool(offer.get("reminders") or offer.get("audience"))
        if not agreed:
            said = {(True, True): "不保存，也不提醒", (True, False): "不保存",
                    (False, True): "不提醒"}.get((offer.get("profile", True), reminders), "不保存")
            dispatcher.utter_message(text=f"好的，{said}。还有别的事吗？")
            return events + ([SlotSet("profile_consent", False)] if offer.get("profile", True) else [])
        if not offer.get("profile", True):
            dispatcher.utter_message(text="好的，到时候我会提醒您，回复“退订”随时取消。还有别的事吗？")
            return events
        values = {name: tracker.get_slot(name) for name in PROFILE_FIELDS}
        try:
            await services().profiles.save(channel_of(tracker), tracker.sender_id, values)
        except Exception as exc:
            logger.warning("profile not saved: %s", type(exc).__name__)
            dispatcher.utter_message(text="抱歉，这次没能保存，下次办事时再告诉我就好。")
            return events
        also = "到时候也会提醒您（回复“退订”随时取消）。" if reminders else ""
        dispatcher.utter_message(text=f"好的，已经记住了，保存30天。下次办事我会先跟您核对。{also}还有别的事吗？")
        return events + [SlotSet("profile_consent", True)]
