"""社区活动报名: an activity from the live catalogue, how many, who, a phone.

The activity is matched fuzzily against `GET /api/v1/activities`; a full one
gets open alternatives offered by number. Places are checked again by the
back office when the case is filed.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import values
from actions.forms.base import ServiceForm
from actions.forms.turn import latest_intent, latest_text, now_local
from actions.forms.activities import describe_activity, match_activity, open_activities
from actions.forms.service_values import check_participants, find_participants
from actions.forms.spec import SPECS
from actions.forms.submit import SubmitService
from actions.services.backoffice import BackofficeRejected, BackofficeUnavailable
from actions.services.registry import services
from nlu.rules.timepick import days_said

logger = logging.getLogger(__name__)


async def catalogue() -> List[Dict[str, Any]]:
    try:
        return await services().backoffice.activities()
    except (BackofficeUnavailable, BackofficeRejected) as exc:
        logger.warning("activity catalogue unavailable: %s", exc)
        return []


def numbered(activities: List[Dict[str, Any]]) -> str:
    return "；".join(f"{i}. {describe_activity(a)}" for i, a in enumerate(activities, 1))


# A title named in characters or sound, or a topic word of it: not a day alone.
_NAMED_SCORE = 84.0
# Words of going to or signing up for something, one of which such a message has.
_ABOUT_TAKING_PART = re.compile(r"报名|报个名|报[一两三四五六1-9]|报我|参加|想去|要去|能去|去[吗吧]|活动|课|讲座|会|班|名额")


async def start_named_signup(text: str) -> List[EventType]:
    """亲子手工课 剪纸灯笼那个 报两个大人一个小孩: an activity from the catalogue named
    without a word the classifier knows for signing up is a sign-up for it."""
    if not _ABOUT_TAKING_PART.search(text):
        return []  # 我白天不一定接手机 mentions a phone, not the phone class
    named = await named_activity(text)
    return named + [FollowupAction("activity_signup_form")] if named else []


async def named_activity(text: str) -> List[EventType]:
    """The activity a message names clearly enough to sign up for, once sign-up is chosen
    (义诊进社区仲报唔报得名？ → which service? → 1)."""
    match = match_activity(text, await catalogue(), days_said(text, now_local()))
    if match is None or match.score < _NAMED_SCORE:
        return []
    return [SlotSet("activity_id", match.activity["activity_id"])]


class ValidateActivitySignupForm(ServiceForm):
    service = "activity_signup"
    speaker_may_be_the_person = True

    def slots(self, tracker: Tracker) -> List[str]:
        return ["activity_id", "participants", "person_name", "phone"]

    async def extract_activity_id(self, dispatcher, tracker: Tracker, domain) -> dict:
        if tracker.get_slot("activity_id"):
            return {}
        text = latest_text(tracker)
        offered = tracker.get_slot("offered_activities") or []
        picked = values.choose_by_number(text, offered) if offered else None
        if picked:
            return {"activity_id": picked}
        asked = tracker.get_slot("requested_slot") == "activity_id"
        if not (asked or latest_intent(tracker) == self.service):
            return {}
        match = match_activity(text, await catalogue(), days_said(text, now_local()))
        if match:
            return {"activity_id": match.activity["activity_id"]}
        return {"activity_id": text} if asked else {}

    async def extract_participants(self, dispatcher, tracker: Tracker, domain) -> dict:
        count = find_participants(latest_text(tracker))
        current = tracker.get_slot("participants")
        # (nlu_fallback, inform: the activity was named without a word for signing up)
        # (or any message that opened the form: 喂 侬好 …敬老吃茶的会 阿拉老两口想去 reads as a greeting)
        starting = not current and (latest_intent(tracker) in (self.service, "nlu_fallback", "inform")
                                    or tracker.get_slot("requested_slot") is None)
        # 再加一个，隔壁王阿姨也要去，三个人 at the read-back changes the count
        changing = tracker.get_slot("requested_slot") in ("confirm", "activity_id") and count != current
        if count and (starting or changing):
            return {"participants": count}
        return {}

    async def validate_activity_id(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain) -> dict:
        activities = await catalogue()
        if not activities:
            return self._reject("activity_id", "活动列表暂时打不开，请稍后再试，或者说“转人工”。",
                                dispatcher, tracker)
        by_id = {a["activity_id"]: a for a in activities}
        activity = by_id.get(str(value))
        if activity is None:
            choices = open_activities(activities)
            return self._reject(
                "activity_id", f"没找到这个活动。最近可以报名的有：{numbered(choices)}。回复序号就行。",
                dispatcher, tracker, {"offered_activities": [a["activity_id"] for a in choices]})
        if int(activity.get("remaining") or 0) <= 0:
            choices = open_activities(activities, exclude=activity["activity_id"])
            dispatcher.utter_message(
                text=f"“{activity['title']}”已经报满了。还有名额的活动：{numbered(choices)}。"
                     f"想报哪个？回复序号；都不想报可以说“不办了”。")
            return {"activity_id": None, "activity_title": None,
                    "offered_activities": [a["activity_id"] for a in choices]}
        return {"activity_id": activity["activity_id"], "activity_title": activity["title"],
                "activity_remaining": int(activity["remaining"]), "offered_activities": None}

    def validate_participants(self, value: Any, dispatcher, tracker: Tracker, domain) -> dict:
        remaining = tracker.get_slot("activity_remaining")
        check = check_participants(str(value), remaining)
        return self._result("participants", check, dispatcher, tracker)


class SubmitActivitySignup(SubmitService):
    spec = SPECS["activity_signup"]

    def refused(self, dispatcher: CollectingDispatcher, reason: str) -> None:
        if reason == "activity_full":
            dispatcher.utter_message(
                text="抱歉，就在刚才这个活动的名额被报满了，这次没有报上。说“活动报名”可以看看其他活动。")
            return
        super().refused(dispatcher, reason)


class ActionAskActivityId(Action):
    """Asks which activity, listing those with places left as numbered choices."""

    def name(self) -> str:
        return "action_ask_activity_id"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[EventType]:
        offered = tracker.get_slot("offered_activities")
        if offered:
            return []  # the validator has just listed the choices
        choices = open_activities(await catalogue(), limit=5)
        if not choices:
            dispatcher.utter_message(text="最近的活动暂时都报满了，或者活动列表打不开。可以说“转人工”问问工作人员。")
            return []
        dispatcher.utter_message(text=f"最近可以报名的活动有：{numbered(choices)}。想报哪个？回复序号或活动名称。")
        return [SlotSet("offered_activities", [a["activity_id"] for a in choices])]
