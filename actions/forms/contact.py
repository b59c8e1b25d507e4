"""Where and how to reach the resident: the phone and address validators, a caller's own
number offered or taken, and the door number a home service needs. Mixed into every
service form (ServiceForm), whose failure accounting the validators report through."""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import values
from actions.forms.service_values import repair_category_of
from actions.forms.turn import (NOT_THIS_ONE, THIS_NUMBER, THIS_ONE, caller_number, latest_intent,
                                latest_text, previous_value)

# 电话一样 / 还是我的 / 也打我这个: the number given for the earlier request
SAME_AS_BEFORE = re.compile(r"一样|同一个|还是(?:我的|这个|那个|刚才)|也打我|也是我|留我的|打我的?(?:手机|电话)")


# Parts of an address that find the door (3号楼, 2单元, 502, 长乐路120弄, 7号)
_DOOR_PARTS = {"building", "unit", "room", "floor", "road_no", "lane", "annex", "row"}


class ContactValues:
    """Phone and address: their validators, the phone's extractor, and the door number."""

    # ServiceForm's: an answer accepted, or refused with a reason and counted.
    _result: Callable[..., Dict[str, Any]]
    _reject: Callable[..., Dict[str, Any]]

    # A hotline caller's own number fills the phone at once where every second counts
    # (an emergency); elsewhere it is offered (就用您打来的这个号码吗？), since many call
    # for someone else or from a landline and want another number kept.
    caller_fills_phone = False

    async def extract_phone(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[str, Any]:
        """The caller's number, when the form takes it as it is or the resident points to it
        (有事打这个手机, 就这个号)."""
        text = re.sub(r"\s+", "", latest_text(tracker))  # 就打 这个 电话
        offered = tracker.get_slot("requested_slot") == "phone"
        earlier = tracker.get_slot("earlier_phone")
        if earlier and offered and not tracker.get_slot("phone") and not values.find_phones(text):
            # 也打我这个电话 / 一样 / 是, answering 还用刚才尾号6789的这个吗？
            if (SAME_AS_BEFORE.search(text) or THIS_NUMBER.search(text) or THIS_ONE.search(text)
                    or latest_intent(tracker) == "affirm") and not NOT_THIS_ONE.search(text):
                return {"phone": earlier, "earlier_phone": None}
            if latest_intent(tracker) == "deny" or NOT_THIS_ONE.search(text):
                return {"earlier_phone": None}  # asked again without the offer
        caller = caller_number(tracker)
        if not caller or tracker.get_slot("phone"):
            return {}
        points_to_it = (THIS_NUMBER.search(text) or (offered and THIS_ONE.search(text))) \
            and not values.find_phones(text) and not NOT_THIS_ONE.search(text)
        if self.caller_fills_phone or points_to_it:
            check = values.check_phone(caller)
            if check.ok:
                return {"phone": check.value}
        return {}

    def validate_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Dict[str, Any]:
        return self._result("phone", values.check_phone(str(value)), dispatcher, tracker)

    def caller_number_answer(self, tracker: Tracker) -> List[EventType] | None:
        """是 / 不是 to 就用您打来的这个号码吗？"""
        caller = caller_number(tracker)
        if not caller or "phone" in (tracker.get_slot("profile_declined") or []):
            return None
        if latest_intent(tracker) == "deny" and not values.find_phones(latest_text(tracker)):
            return [SlotSet("profile_declined", list(tracker.get_slot("profile_declined") or []) + ["phone"])]
        if latest_intent(tracker) == "affirm":
            check = values.check_phone(caller)
            return [SlotSet("phone", check.value)] if check.ok else None
        return None

    # Services that go to the resident's door: a place with no number (我租在石牌村) is asked
    # once more for the door number; a place for all (小区东门的路灯) is not.
    home_address = False

    def door_number_missing(self, address: str, tracker: Tracker) -> bool:
        if not self.home_address or tracker.get_slot("requested_slot") == "confirm" \
                or (tracker.get_slot("validation_failures") or {}).get("address"):
            return False
        if "public_facility" in (tracker.get_slot("repair_category"), repair_category_of(latest_text(tracker))):
            return False
        match = values.find_address(address)
        kinds = {kind for kind, _, _ in match.parts} if match else set()
        if kinds & _DOOR_PARTS or "area" in kinds:
            return False
        # 李家村三组, 翠苑三期: numbers that name the place, not the door
        return not re.search(r"[0-9０-９一二三四五六七八九十两幺]", address) or bool(kinds)

    @staticmethod
    def door_number_asked(tracker: Tracker) -> str | None:
        """The place said before the door number was asked for, which the answer completes."""
        if not (tracker.get_slot("validation_failures") or {}).get("address"):
            return None
        return next((e.get("value") for e in reversed(tracker.events) if e.get("event") == "slot"
                     and e.get("name") == "address" and e.get("value")), None)

    def validate_address(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> Dict[str, Any]:
        # A correction at the read-back may name only the part that was wrong.
        known = previous_value("address", tracker) \
            if tracker.get_slot("requested_slot") == "confirm" else self.door_number_asked(tracker)
        # 不是东单元，是西单元，幸福里小区7号楼西单元502: the address meant, not the first said
        said = values.said_address(latest_text(tracker))
        check = values.check_address(said if said and str(value) in latest_text(tracker) else str(value), known)
        if check.ok and self.door_number_missing(check.value, tracker):
            return self._reject("address", f"请再说一下“{check.value}”的门牌号，"
                                           f"例如“{check.value}3号楼2单元502”或“12号302房”。", dispatcher, tracker)
        return self._result("address", check, dispatcher, tracker)
