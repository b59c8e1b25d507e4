"""Conversation control: read-back, repeat, cancel, hand over to a human."""
from __future__ import annotations

import inspect
import logging
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.appointment_change import appointment_change
from actions.corrections import late_correction, repeat_request
from actions.forms.activity_signup import named_activity, start_named_signup
from actions.forms.turn import latest_text, looks_like_answer
from actions.forms.spec import SPECS
from nlu.rules.gazetteer import lookup
from nlu.rules.service_names import SERVICES, service_spans
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
        # 收费吗？我想跟工作人员说: answered here; the form that runs next sees the request
        # for a person and stops for staff (ServiceForm.run).
        text = tracker.latest_message.get("text") or ""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        requested = tracker.get_slot("requested_slot")
        # Something the classifier could not place, said while a question waits, is an
        # attempt at the answer: the validator says what it could not read, and counts it.
        attempt = intent == "out_of_scope" and requested not in (None, "confirm")
        # A third question in a row while the same question waits is not answered again
        # and again: from then on it is an attempt at the answer, checked and counted.
        attempt = attempt or (requested not in (None, "confirm") and digressions_in_a_row(tracker) >= 2)
        if attempt or looks_like_answer(requested, text):
            # Rasa validates a form only right after the resident spoke, not after this
            # action: the form's own validator checks the answer here (a wrong value is
            # re-asked with the reason and counted), or the same question would come back
            # without a word about the answer, again and again.
            validator = form_validator((tracker.active_loop or {}).get("name"))
            if validator:
                answer = tracker.copy()  # read as an answer, whatever the classifier said
                answer.latest_message = {**tracker.latest_message, "intent": {"name": "inform", "confidence": 1.0}}
                return await validator.run(dispatcher, answer, domain)
        if intent == "faq":
            say_faq_answer(dispatcher, tracker)
        elif intent == "bot_challenge":
            dispatcher.utter_message(response="utter_iamabot")
        elif intent == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        return []  # repeat: the form asks its question again right after this


def digressions_in_a_row(tracker: Tracker) -> int:
    """How many of the resident's turns just before this one were answered by action_digress."""
    firsts: list[str | None] = []  # the first action after each user turn
    for event in tracker.events:
        if event.get("event") == "user":
            firsts.append(None)
        elif event.get("event") == "action" and firsts and firsts[-1] is None \
                and event.get("name") not in ("action_listen", None):
            firsts[-1] = event.get("name")
    count = 0
    for first in reversed(firsts[:-1]):  # (the last turn is this one)
        if first != "action_digress":
            break
        count += 1
    return count


_VALIDATORS: dict[str, FormValidationAction] = {}


def form_validator(form: str | None) -> FormValidationAction | None:
    """The validation action of a form (validate_<form>), from the actions loaded here;
    the subclasses are walked once, on the first digression, not on every one."""
    if not _VALIDATORS:
        pending = list(FormValidationAction.__subclasses__())
        while pending:
            cls = pending.pop()
            pending.extend(cls.__subclasses__())
            if not inspect.isabstract(cls):
                action = cls()
                _VALIDATORS[action.name()] = action
    return _VALIDATORS.get(f"validate_{form}") if form else None


def say_faq_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    answer = faq_answer(tracker)
    if answer:
        dispatcher.utter_message(text=answer)
    else:
        dispatcher.utter_message(response="utter_default")


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


def answered_instead(tracker: Tracker) -> List[EventType] | None:
    """Inside a form, a message the classifier took for cancel / a human / an emergency
    that is really an answer to the question (算投诉吧 to 投诉还是建议) goes to the form."""
    loop = (tracker.active_loop or {}).get("name")
    text = tracker.latest_message.get("text") or ""
    if loop and looks_like_answer(tracker.get_slot("requested_slot"), text):
        return [FollowupAction(loop)]
    return None


class ActionCancelService(Action):
    def name(self) -> Text:
        return "action_cancel_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        answered = answered_instead(tracker)
        if answered:
            return answered
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
    caller = (tracker.latest_message.get("metadata") or {}).get("caller_number")
    if caller and not slots.get("phone"):
        slots["phone"] = str(caller)
    svc = services()
    try:
        key = await svc.outbox.key_for_message(tracker.sender_id, spec.service,
                                               idempotency_key(tracker, spec.service),
                                               tracker.events)
        submission = Submission(
            idempotency_key=key, service=spec.service, fields=spec.case_fields(slots),
            channel=tracker.get_latest_input_channel() or "rest",
            conversation_id=tracker.sender_id, priority="urgent")
        result = await file_submission(svc.outbox, svc.backoffice, submission)
    except Exception as exc:  # the handover must happen whatever filing does
        logger.error("emergency case not filed: %s", type(exc).__name__)
        return None
    return result.case_number


async def emergency_handover(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Safety instruction first, an urgent case, the top of the staff queue; then the
    questions a dispatcher asks (where, a callback number) in the emergency form."""
    dispatcher.utter_message(response="utter_emergency_safety")
    case_number = tracker.get_slot("emergency_case_number")
    if not case_number:  # said again in the same emergency: one case, not two
        case_number = await file_emergency(tracker)
        if case_number:
            dispatcher.utter_message(text=f"已登记紧急求助，编号 {case_number}。")
    events = await hand_over(tracker, "emergency", urgent=True)
    if case_number:
        events += [SlotSet("last_case_number", case_number), SlotSet("emergency_case_number", case_number)]
    caller = (tracker.latest_message.get("metadata") or {}).get("caller_number")
    if caller and not tracker.get_slot("phone"):
        events.append(SlotSet("phone", str(caller)))
    return events + [SlotSet("emergency_type", None), FollowupAction("emergency_help_form")]


class ActionRequestHuman(Action):
    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        answered = answered_instead(tracker)
        if answered:
            return answered
        events = await hand_over(tracker, "requested")
        dispatcher.utter_message(response="utter_handoff")
        return events


class ActionEmergencyHandoff(Action):
    def name(self) -> Text:
        return "action_emergency_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        # 我妈也一起签，她叫何素贞 read as an emergency: with no word of danger in it and the
        # same service asked again, it is that service. Any word of danger and it is acted on.
        if not says_danger(latest_text(tracker)):
            loop = (tracker.active_loop or {}).get("name")
            if loop and loop != "emergency_help_form":
                return [FollowupAction(loop)]  # an answer read as an emergency: the form reads it
            again = repeat_request(tracker)
            if again:
                return again
        return await emergency_handover(dispatcher, tracker)


_DANGER = re.compile(r"救命|快来|急|危险|出事|120|119|报警|血|疼|痛|晕|倒|摔|跌|火|烟|焦|燃气|煤气|天然气|"
                     r"漏气|气味|喘|呼吸|昏|抽|不省人事|叫不醒|没反应|不动了|困|被关|走丢|走失|不见了")


def says_danger(text: str) -> bool:
    return bool(_DANGER.search(text) or lookup(text, "emergency_type"))


class ActionResumeForm(Action):
    """Staff handed the conversation back: the form the resident was in goes on where it
    stopped (its next question, or the read-back), and the resident is told so."""

    def name(self) -> Text:
        return "action_resume_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = [SlotSet("handoff_reason", None), SlotSet("paused_form", None),
                                   SlotSet("form_stopped", None)]
        loop = tracker.get_slot("paused_form")
        spec = SPECS.get((loop or "")[: -len("_form")])
        if not loop or spec is None:
            return events
        dispatcher.utter_message(
            text=f"我们接着办刚才的{spec.title}，您已经说过的信息都还在，不用重复。")
        return events + [ActiveLoop(loop), FollowupAction(loop)]


# Words that turn a question about a service into wanting it (能上门吗, 怎么申请, 能一起弄吗).
_WANTS = re.compile(r"能|可以|想|要|帮|怎么(?:办|申请|报名|预约|弄)|预约|报名|申请|一起|给我|给我家|有没有|有吗|有的话")


# What a greeting is made of; a message with much more than this asked for something.
_GREETING = re.compile(r"喂|你好|您好|哈喽|在吗|在不在|请问|是社区吗?|社区(?:服务中心)?吗?|同志|那个|这个|嗯|啊|呃|"
                       r"早上好|上午好|下午好|晚上好|[\s，,。.!！?？~～]")


class ActionGreet(Action):
    """A greeting, unless the message says more than hello (喂 你好 敬老查话会礼拜六还能报吗):
    an activity it names is signed up for, anything else is asked about as any unsure reading."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        text = latest_text(tracker)
        # (counted in Chinese characters: /greet from a channel or a triggered intent is a hello)
        if len(re.findall(r"[\u4e00-\u9fff]", _GREETING.sub("", text))) >= 6:
            signup = await start_named_signup(text)
            if signup:
                return signup
            return [FollowupAction("action_clarify")]
        dispatcher.utter_message(response="utter_greet")
        return []


class ActionAnswerFaq(Action):
    """A policy answer; when the question was about a service the resident may want
    (社保认证能上门吗？), the answer ends with an offer to start it."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        say_faq_answer(dispatcher, tracker)
        text = tracker.latest_message.get("text") or ""
        named = [SERVICES[column] for _, _, column in service_spans(text)]
        offer = next((s for s in named if s in SPECS and s != "emergency_help"), None)
        if offer is None or not _WANTS.search(text):
            return [SlotSet("offered_service", None)]
        dispatcher.utter_message(text=f"需要的话，我现在就帮您办{SPECS[offer].title}，回复“好”就开始。")
        return [SlotSet("offered_service", offer)]


_CHOICE_ENTITIES = ("cert_method", "service_type", "consultation_type", "repair_category")


class ActionStartOfferedService(Action):
    def name(self) -> Text:
        return "action_start_offered_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        service = tracker.get_slot("offered_service")
        if not service:
            dispatcher.utter_message(response="utter_anything_else")
            return []
        # What the question already said (社保认证能上门吗 → home_visit) is not asked again.
        asked = next((e for e in reversed(tracker.events[:-1]) if e.get("event") == "user"
                      and (e.get("parse_data") or {}).get("intent", {}).get("name") == "faq"), None)
        if service == "activity_signup" and asked:
            # 义诊进社区是下礼拜一吧？我们想一起去 → 好: the activity asked about is the one wanted.
            named = await named_activity(asked.get("text") or "")
            if named:
                return [SlotSet("offered_service", None)] + named + [FollowupAction("activity_signup_form")]
        carried = [SlotSet(e["entity"], e["value"]) for e in ((asked or {}).get("parse_data") or {}).get("entities", [])
                   if e.get("entity") in _CHOICE_ENTITIES]
        return carried + [SlotSet("offered_service", None), FollowupAction(f"{service}_form")]


class ActionLateDetails(Action):
    """A value said outside any form: a correction of the case just filed, or a prompt."""

    def name(self) -> Text:
        return "action_late_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        # 2 answered to an appointment reminder, and the new time asked for after it.
        corrected = await appointment_change(dispatcher, tracker)
        if corrected is not None:
            return corrected
        # 还有个事 敬老茶话会 我也报一个: a sign-up after another service is a new request,
        # not a change to the case just filed
        signup = await start_named_signup(latest_text(tracker))
        if signup and tracker.get_slot("last_service") != "activity_signup":
            return signup
        corrected = repeat_request(tracker) or await late_correction(dispatcher, tracker)
        if corrected is None:
            if signup:
                return signup
            dispatcher.utter_message(response="utter_default")
            return []
        return corrected
