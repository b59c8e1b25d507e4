"""Whether a service form stops this turn, and what its ``form_stopped`` slot then says:
a person asked for, the progress of the case just filed, the same service again for
someone else, or another service asked for. The readings are tried in order and the
first that answers decides; the rules and the submit action act on the slot."""
from __future__ import annotations

from typing import Callable, List, Optional, Protocol

from rasa_sdk import Tracker

from actions.forms.spec import SPECS
from actions.forms.turn import (ASKS_AGAIN, ASKS_PROGRESS, SOMEONE_ELSE, SPEAKER_NOW, asks_for_human, latest_intent,
                                latest_text, looks_like_answer, set_by_latest_message)
from nlu.rules.service_names import service_spans

# How sure the classifier must be of another service before a form gives way to it.
SWITCH_CONFIDENCE = 0.8
# Forms that go on when a person is asked for (their own flow hands over).
_GO_ON_FOR_A_PERSON = ("case_status_query", "emergency_help")


class Form(Protocol):
    service: str

    def slots(self, tracker: Tracker) -> List[str]: ...


def person_asked_for(form: Form, tracker: Tracker) -> Optional[str]:
    """收费吗？我想跟工作人员说: whatever the classifier made of it, a person comes next; the
    form stops here and resumes where it was after the hand-back."""
    if (tracker.get_slot("requested_slot") and asks_for_human(tracker)
            and form.service not in _GO_ON_FOR_A_PERSON):
        return "requested"
    return None


def progress_asked(form: Form, tracker: Tracker) -> Optional[str]:
    """刚刚申请的高龄津贴，现在办到啥地方了？ right after filing it: the progress of the case
    just filed, not the same form again (a second, identical case)."""
    filed = {e.get("value") for e in tracker.events
             if e.get("event") == "slot" and e.get("name") == "last_service"}
    if (not tracker.get_slot("requested_slot") and latest_intent(tracker) == form.service
            and bool(tracker.get_slot("last_case_number")) and form.service in filed
            and bool(ASKS_PROGRESS.search(latest_text(tracker)))):
        return "progress"
    return None


def same_service_again(form: Form, tracker: Tracker) -> Optional[str]:
    """再给我老婆约一个 read as another service: the one just filed is meant."""
    last = tracker.get_slot("last_service")
    text = latest_text(tracker)
    if tracker.get_slot("requested_slot") or latest_intent(tracker) != form.service:
        return None
    if last in (None, form.service, "emergency_help") or last not in SPECS:
        return None
    if not (ASKS_AGAIN.search(text) and (SOMEONE_ELSE.search(text) or SPEAKER_NOW.search(text))) \
            or service_spans(text):
        return None  # 再约一个社保认证 names the service; 再报个修 is a new one for the speaker
    return f"again:{last}"


def another_service(form: Form, tracker: Tracker) -> Optional[str]:
    """好吧，那我提个建议…: another service asked for clearly, in a message that answers
    nothing here. This form ends unfiled (its submit action says so) and the new one starts."""
    intent = tracker.latest_message.get("intent") or {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0)
    requested = tracker.get_slot("requested_slot")
    if name not in SPECS or name in (form.service, "emergency_help") or confidence < SWITCH_CONFIDENCE:
        return None
    if not requested or looks_like_answer(requested, latest_text(tracker)):
        return None
    if set_by_latest_message(tracker) & set(form.slots(tracker)):
        return None  # it carries a value for this form: an answer, whatever the intent
    return f"switch:{name}"


STOPS: tuple[Callable[[Form, Tracker], Optional[str]], ...] = (
    person_asked_for, progress_asked, same_service_again, another_service)


def form_stop(form: Form, tracker: Tracker) -> Optional[str]:
    """The value ``form_stopped`` takes this turn, or None when the form goes on."""
    for reading in STOPS:
        stop = reading(form, tracker)
        if stop:
            return stop
    return None
