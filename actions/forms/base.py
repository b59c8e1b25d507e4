"""What every service form does alike: take values from anything said,
validate with a reason, count failures, and offer a human after three.

A service module subclasses `ServiceForm` with its name and required slots;
validators for slots shared across services (ID, name, times, choices,
confirmation) live here once, the phone and address ones in `contact`
(mixed in), and whether the form stops this turn is `form_stops`'s.
"""
from __future__ import annotations

import inspect
import logging
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.forms import values
from actions.forms.amend import amendments
from actions.forms.contact import ContactValues
from actions.forms.service_values import repair_category_of
from actions.forms.spec import SPECS
from actions.forms.form_stops import form_stop
from actions.forms.turn import (FREE_TEXT_SLOTS, INTERRUPTING_INTENTS, SAME_PHONE_SAID, SOMEONE_ELSE, SPEAKER_NOW,
                                THE_ELDER, THEIR_PLACE,
                                channel_of, confirmed_unchanged, confirms, latest_intent, latest_text,
                                looks_like_answer, names_in, now_local, previous_value, relation_named,
                                skipped_by_rasa)
from actions.services.registry import services

logger = logging.getLogger(__name__)

MAX_FAILURES = 3
# Values a remembered profile can offer ("还是用尾号5678的电话吗？").
OFFERABLE = ("phone", "person_name", "address")
ADDRESS_PARTS = ("building", "unit", "room")

async def load_profile(tracker: Tracker) -> Dict[str, str]:
    try:
        return await services().profiles.get(channel_of(tracker), tracker.sender_id)
    except Exception as exc:  # a profile is a convenience: never fail the form for it
        logger.warning("profile unavailable: %s", type(exc).__name__)
        return {}


class ServiceForm(ContactValues, FormValidationAction):
    """Base validator; subclasses set `service` and `slots(tracker)`."""

    service: str = ""
    # The person on the form may be the speaker acting for the household or group (申请人,
    # 报名人, 预约人): 我是孩子妈妈，叫汪晓燕 names them. Where the form is for an elder
    # (高龄津贴, 社保认证, 养老服务) the speaker's own name is the helper's, not the person's.
    speaker_may_be_the_person = False

    def name(self) -> Text:
        return f"validate_{self.service}_form"

    @abstractmethod
    def slots(self, tracker: Tracker) -> List[str]:
        """The service's required slots for what is known so far (no `confirm`)."""

    def side_values(self, tracker: Tracker) -> List[EventType]:
        """Values a message may carry that are never asked for (每周3次, 匿名)."""
        return []

    def new_person(self, tracker: Tracker) -> List[EventType]:
        """A second request in the conversation for someone else (再给我老婆约一个, 还有我爸的):
        the earlier person's name and ID are not carried over; the phone and address are,
        and are read back for checking. The repeat flag set by 再…约一个 is used once."""
        repeat = tracker.get_slot("repeat_service")
        used = [SlotSet("repeat_service", None)] if repeat else []
        starting = latest_intent(tracker) == self.service or repeat
        if not tracker.get_slot("last_case_number") or tracker.get_slot("requested_slot") or not starting:
            return used
        current = tracker.get_slot("person_name")
        text = latest_text(tracker)
        other_name = any(n.get("name_role") in ("served", "named") and n.get("value") != current
                         for n in names_in(tracker))
        someone_else = SOMEONE_ELSE.search(text) and not self.same_relative(tracker)
        # 我自己也要办居住证 after 我爷爷叫韩德福: the speaker now, who was not the person before
        speaker_now = SPEAKER_NOW.search(text) and self.served_someone_else(tracker)
        if not (other_name or someone_else or speaker_now):
            return used
        # The name said now is taken from the message after this reset; an ID said with it stays.
        said_now = {e.get("entity") for e in tracker.latest_message.get("entities") or []}
        reset = ["person_name", "id_number"]
        if THEIR_PLACE.search(latest_text(tracker)):  # 还有我爸妈那栋楼的楼道灯…: another address
            reset += ["address", *ADDRESS_PARTS]
        # Another person may have a phone of their own: the earlier one is offered, not carried
        # (还用刚才尾号6789的这个吗？), and 一样 / 也打我这个 takes it.
        earlier_phone = tracker.get_slot("phone")
        if earlier_phone and "phone" in self.slots(tracker) and "phone" not in said_now \
                and not SAME_PHONE_SAID.search(latest_text(tracker)):
            reset.append("phone")
            used.append(SlotSet("earlier_phone", earlier_phone))
        return [SlotSet(slot, None) for slot in reset if slot not in said_now] + used

    @staticmethod
    def served_someone_else(tracker: Tracker) -> bool:
        """The person on the form was named as someone other than the speaker (我爷爷叫韩德福)."""
        current = tracker.get_slot("person_name")
        return bool(current) and any(
            e.get("entity") == "person_name" and e.get("value") == current and e.get("name_role") == "served"
            for event in tracker.events if event.get("event") == "user"
            for e in (event.get("parse_data") or {}).get("entities") or [])

    @staticmethod
    def same_relative(tracker: Tracker) -> bool:
        """我妈还想要助餐 after 给我妈申请高龄津贴: the relative already served, not another;
        给老人签个家庭医生: the elder the conversation is about."""
        kin = relation_named(latest_text(tracker))
        if not kin:
            return False
        current = tracker.get_slot("person_name")
        if kin in THE_ELDER and current:
            return True
        said = [e for e in tracker.events if e.get("event") == "user"][:-1]  # (the last is this one)
        for event in said:
            parse = event.get("parse_data") or {}
            # the person on the form named with this relation (我妈叫王秀英), or an earlier
            # request opened for them (给我妈申请高龄津贴)
            if any(e.get("entity") == "person_name" and e.get("value") == current and e.get("relation") == kin
                   for e in parse.get("entities") or []):
                return True
            if (parse.get("intent") or {}).get("name") in SPECS and relation_named(event.get("text") or "") == kin:
                return True
        return False

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        # rasa-sdk returns only slots the form requires; optional ones travel here.
        side = self.new_person(tracker) + self.side_values(tracker)
        stop = form_stop(self, tracker)
        if stop:
            side.append(SlotSet("form_stopped", stop))
        side += await self.early_times(dispatcher, tracker, domain)
        tracker.add_slots(side)
        return side + await super().run(dispatcher, tracker, domain)

    def opening_message(self, tracker: Tracker) -> str | None:
        """What the resident said in the message that started this form."""
        started = False
        for event in reversed(tracker.events):
            if event.get("event") == "active_loop" and event.get("name") == f"{self.service}_form":
                started = True
            elif started and event.get("event") == "user":
                return event.get("text") or ""
        return None

    async def early_times(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> List[EventType]:
        """A time the opening set that Rasa does not hand to the form for checking (the
        slot is not among the form's first questions: 上门认证 needs a time only once the
        method is known) is checked now: 他现在卧床 must not become an appointment."""
        spec = SPECS.get(self.service)
        events: List[EventType] = []
        for slot in ("appointment_time", "preferred_time"):
            if slot not in skipped_by_rasa(tracker):
                continue
            if spec is None or slot not in spec.fields:
                events.append(SlotSet(slot, None))  # 上周五我去窗口… in a complaint books nothing
                continue
            # Checked quietly: the question comes in its turn and explains then.
            value = (await self.check_now(slot, CollectingDispatcher(), tracker, domain)).get(slot)
            events.append(SlotSet(slot, value))
            if value is None:
                events.append(SlotSet("offered_times", None))
        return events

    async def check_now(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Dict[str, Any]:
        """The slot's validator run on its current value (some validators are async)."""
        result = getattr(self, f"validate_{slot}")(tracker.get_slot(slot), dispatcher, tracker, domain)
        return await result if inspect.isawaitable(result) else result

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        # A rule said no (under 80 for the allowance, ...): end the form, file nothing.
        if tracker.get_slot("form_stopped"):
            return []
        return self.slots(tracker) + ["confirm"]

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """Offer the raw answer to the requested slot's validator.

        Rasa's mappings only fill a slot when an extractor found a value; an
        answer like "138123" would otherwise be ignored silently. Passing
        the text on lets the validator say what is wrong with it.
        """
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        requested = tracker.get_slot("requested_slot")
        filled_now = {e["name"] for e in events} | set(tracker.slots_to_validate())
        text = latest_text(tracker)
        # "2" answers a numbered question whatever the classifier made of it.
        is_choice = values.choose_by_number(text, list(range(9))) is not None
        # (out_of_scope while a question waits is a failed answer, checked like one: see
        # ActionDigress)
        interrupts = latest_intent(tracker) in INTERRUPTING_INTENTS - {"out_of_scope"} and not (
            is_choice or looks_like_answer(requested, text))
        if requested == "confirm" and text:
            amended = self.amended_at_readback(text, filled_now, tracker)
            if amended:
                return events + amended
        if not requested or requested in filled_now or not text or interrupts:
            return events
        if requested in OFFERABLE and latest_intent(tracker) in ("affirm", "deny"):
            offered = await self.profile_answer(requested, tracker)
            if offered is None and requested == "phone":
                offered = self.caller_number_answer(tracker)
            if offered is not None:
                return events + offered
        raw = self.raw_answer(requested, text, tracker)
        if raw is not None:
            events.append(SlotSet(requested, raw))
        return events

    def amended_at_readback(self, text: str, filled_now: set, tracker: Tracker) -> List[EventType]:
        """是601不是501 / 身份证后四位是0435 / 门牌是32号院: the whole new value, from the
        value held and the part said (checked by the field's validator like any answer)."""
        # (a value the extractors read from the same words, 是四单元不是三单元 → 三单元, is
        # overridden: the part said is read against the value held)
        fields = [f for f in ("id_number", "phone", "address", "person_name") if f in self.slots(tracker)
                  and (f not in filled_now or f != "person_name") and previous_value(f, tracker)]
        held = {f: previous_value(f, tracker) for f in fields}
        changed = amendments(text, held)
        return [SlotSet(field, value) for field, value in changed.items() if field in fields]

    async def profile_answer(self, slot: str, tracker: Tracker) -> List[EventType] | None:
        """是 / 不是 to a remembered value the form offered."""
        profile = await load_profile(tracker)
        if not profile.get(slot) or slot in (tracker.get_slot("profile_declined") or []):
            return None
        if latest_intent(tracker) == "deny":
            declined = list(tracker.get_slot("profile_declined") or []) + [slot]
            return [SlotSet("profile_declined", declined)]
        events = [SlotSet(slot, profile[slot])]
        if slot == "address":
            events += [SlotSet(part, profile.get(part)) for part in ADDRESS_PARTS]
        return events

    async def extract_person_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[str, Any]:
        """The name of the person the service is for, from whichever frame said it.

        A relative's own name (我是他闺女林小红) never fills it, and a name already
        given is only replaced by another name said for the same person (老人叫…,
        姓名是…) or at the read-back, where any new name is a correction.
        """
        names = names_in(tracker)
        current = tracker.get_slot("person_name")
        requested = tracker.get_slot("requested_slot")
        if current and requested in FREE_TEXT_SLOTS:
            return {}  # a story (一个人带孩子 房租交不起) names no one for the form
        roles = ("served", "named", "self") if not current or requested in ("person_name", "confirm") \
            else ("served", "named")
        picked = next((n for role in roles for n in names if n.get("name_role") == role), None)
        if picked is None or picked["value"] == current:
            return {}
        return {"person_name": picked["value"]}

    def raw_answer(self, slot: str, text: str, tracker: Tracker) -> Any:
        if slot == "confirm":
            # 对，快点派人 is a yes even when the classifier was unsure; anything else that
            # carried no correction gets the read-back again.
            return True if confirms(text) else "unclear"
        offered = tracker.get_slot("offered_times") or []
        if slot == "appointment_time" and offered:
            return values.choose_by_number(text, offered) or text
        return text

    @staticmethod
    def asked_for(slot: str, tracker: Tracker) -> bool:
        """The message answers the question about ``slot`` (or corrects the read-back)."""
        return tracker.get_slot("requested_slot") in (slot, "confirm")

    # -- failure accounting -------------------------------------------------

    def _reject(self, slot: str, reason: str, dispatcher: CollectingDispatcher,
                tracker: Tracker, extra: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        failures = dict(tracker.get_slot("validation_failures") or {})
        failures[slot] = failures.get(slot, 0) + 1
        reason = values.dont_know_reason(slot, latest_text(tracker)) or reason
        dispatcher.utter_message(text=reason)
        if failures[slot] >= MAX_FAILURES:
            # The form ends here and its submit action queues the handover, with
            # everything collected so far for the staff member.
            dispatcher.utter_message(
                text="这一项好像不太好说清楚，我请工作人员来帮您，已经说过的信息不用再重复。")
            return {slot: None, "validation_failures": failures, "form_stopped": "validation_failed"}
        return {slot: None, "validation_failures": failures, **(extra or {})}

    def _accept(self, slot: str, check: values.Check, tracker: Tracker) -> Dict[str, Any]:
        failures = dict(tracker.get_slot("validation_failures") or {})
        failures.pop(slot, None)
        return {slot: check.value, "validation_failures": failures, **check.extra}

    def _result(self, slot: str, check: values.Check, dispatcher: CollectingDispatcher,
                tracker: Tracker) -> Dict[str, Any]:
        if check.ok:
            return self._accept(slot, check, tracker)
        if not check.reason:  # nothing for this slot in what was said, and it was not asked
            return {slot: None}
        return self._reject(slot, check.reason or "", dispatcher, tracker, check.extra)

    # -- shared validators ------------------------------------------------------

    def validate_id_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> Dict[str, Any]:
        check = values.check_id_number(str(value), now_local())
        return self._result("id_number", check, dispatcher, tracker)

    def validate_person_name(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        prefer = ("served", "named", "self", "helper") if self.speaker_may_be_the_person \
            else ("served", "named", "self")
        return self._result("person_name", values.check_person_name(str(value), prefer), dispatcher,
                            tracker)

    def validate_repair_category(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        if repair_category_of(latest_text(tracker)) == "public_facility":
            value = "public_facility"  # 楼道的灯坏了: the building's, whatever the symptom's trade
        return self._choice("repair_category", value, dispatcher, tracker)

    def validate_cert_method(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        return self._choice("cert_method", value, dispatcher, tracker)

    def validate_service_type(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        return self._choice("service_type", value, dispatcher, tracker)

    def validate_consultation_type(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        return self._choice("consultation_type", value, dispatcher, tracker)

    def _choice(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
                tracker: Tracker) -> Dict[str, Any]:
        options = list(values.GAZETTEERS[slot])
        before = previous_value(slot, tracker)
        if before and tracker.get_slot("requested_slot") not in (None, slot, "confirm"):
            # A word in an answer to another question (林玉梅，双木林) does not change a
            # choice already made; at the read-back or when asked it may.
            return {slot: before}
        if value in options:
            return self._accept(slot, values.Check(value), tracker)
        picked = values.choose_by_number(str(value), options)
        check = values.Check(picked) if picked else values.check_vocab(slot, str(value))
        return self._result(slot, check, dispatcher, tracker)

    def validate_appointment_time(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        kept = confirmed_unchanged("appointment_time", tracker)
        if kept:
            return {"appointment_time": kept}
        offered = tracker.get_slot("offered_times") or []
        day_hint = offered[0] if offered and len({o[:10] for o in offered}) == 1 else None
        held = previous_value("appointment_time", tracker)
        requested = tracker.get_slot("requested_slot")
        if held and requested not in ("appointment_time", "confirm") \
                and not values.names_a_day_or_clock(latest_text(tracker)):
            # 衣锦坊23号 answering the address: a house number, not the 23rd
            return {"appointment_time": held}
        if day_hint is None and held and requested == "confirm":
            day_hint = held  # 时间改到下午三点吧 at the read-back: the same day, another clock
        check = values.check_appointment(value, latest_text(tracker), now_local(),
                                         services().office_hours, day_hint,
                                         asked=self.asked_for("appointment_time", tracker))
        if check.ok:
            check.extra["offered_times"] = None
            if held and requested == "confirm":
                check = values.Check(values.in_week_of(held, check.value, latest_text(tracker)), extra=check.extra)
        return self._result("appointment_time", check, dispatcher, tracker)

    def validate_preferred_time(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[str, Any]:
        check = values.check_preferred_time(value, latest_text(tracker), now_local(),
                                            asked=self.asked_for("preferred_time", tracker))
        return self._result("preferred_time", check, dispatcher, tracker)

    async def validate_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[str, Any]:
        if value is True:
            return {"confirm": True}
        corrected = await self.unchecked_corrections(dispatcher, tracker, domain)
        changed = {slot for slot in self.slots(tracker) if tracker.get_slot(slot) != previous_value(slot, tracker)}
        if corrected or changed:
            # 不对，电话是… both denies and corrects: the new read-back says enough.
            return {"confirm": None, **corrected}
        # Neither yes nor a correction (冇错係咁 unread, 嗯嗯 那个…): said how to answer, and
        # counted, so a read-back never comes round for ever; the third hands over.
        how = ("好的，请直接告诉我要修改的内容，例如“电话改成13800000000”或“地址是3号楼2单元502”。"
               if latest_intent(tracker) == "deny" else
               "信息没问题请回复“对”，我就提交；要修改请直接说改什么，例如“电话改成13800000000”。")
        return self._reject("confirm", how, dispatcher, tracker)

    async def unchecked_corrections(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[str, Any]:
        """A value the correction set that Rasa did not hand over for checking (地址错了，
        不是东单元，是… sets the address to the first one said): checked here."""
        checked: Dict[str, Any] = {}
        for slot in sorted(skipped_by_rasa(tracker) & set(self.slots(tracker))):
            if hasattr(self, f"validate_{slot}"):
                checked.update(await self.check_now(slot, dispatcher, tracker, domain))
        return checked
