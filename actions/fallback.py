"""Low-confidence understanding: ask between the two likeliest services,
and after two misses in a row hand the conversation to a human."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import emergency_handover
from actions.corrections import repeat_request
from actions.handover import hand_over
from actions.forms.activity_signup import named_activity, start_named_signup
from actions.forms.turn import ASKS_FOR_HUMAN, latest_text
from actions.forms.property_repair import clean_description, says_what_is_wrong, strip_contact
from bot.catalogue import CONVERSATION_TOPIC_ZH
from actions.forms.values import choose_by_number

SERVICE_ZH_ALL = CONVERSATION_TOPIC_ZH

# Every service but the emergency (no form: it acts at once) runs as a form.
FORM_SERVICES = set(CONVERSATION_TOPIC_ZH) - {"emergency_help", "faq"}


def likely_services(ranking: List[Dict[str, Any]], n: int = 2) -> List[str]:
    names = [r.get("name") for r in ranking]
    return [name for name in names if name in SERVICE_ZH_ALL][:n]


def consecutive_fallbacks(tracker: Tracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") != "nlu_fallback":
            break
        count += 1
    return count


# Values the message that needed clarifying gave, by entity: they fill the chosen form.
_CARRIED_ENTITIES = ("phone", "address", "id_number", "repair_category", "service_type", "cert_method",
                     "consultation_type")


def carried_over(tracker: Tracker, service: str) -> List[EventType]:
    """小区中心花园的儿童滑梯裂了 → (which service?) → 1: what the first message said is
    not asked again; the answer "1" says nothing itself."""
    said = [e for e in tracker.events if e.get("event") == "user"]
    if len(said) < 2:
        return []
    before = said[-2]
    text = (before.get("text") or "").strip()
    events: List[EventType] = [SlotSet(e["entity"], e.get("value"))
                               for e in (before.get("parse_data") or {}).get("entities", [])
                               if e.get("entity") in _CARRIED_ENTITIES]
    if service == "property_repair" and says_what_is_wrong(text):
        events.append(SlotSet("description", clean_description(text)))
    elif service == "complaint_suggestion" and len(text) >= 6:
        events.append(SlotSet("content", strip_contact(text)))
    return events


class ActionClarify(Action):
    def name(self) -> Text:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        text = latest_text(tracker)
        if ASKS_FOR_HUMAN.search(text):
            dispatcher.utter_message(response="utter_handoff")
            return await hand_over(tracker, "requested")
        repeated = repeat_request(tracker)
        if repeated:
            return repeated
        loop = (tracker.active_loop or {}).get("name")
        if loop:
            # Inside a form an unsure reading is most likely an answer said in the
            # resident's own words: the form's validator reads it, and re-asks with a
            # reason and an example when it cannot.
            return [FollowupAction(loop)]
        signup = await start_named_signup(text)
        if signup:
            return [SlotSet("clarify_options", None)] + signup
        if consecutive_fallbacks(tracker) >= 2:
            dispatcher.utter_message(text="抱歉，我还是没能理解。我帮您转给工作人员，请稍等。")
            return await hand_over(tracker, "fallback") + [SlotSet("clarify_options", None)]
        options = likely_services(tracker.latest_message.get("intent_ranking") or [])
        if len(options) < 2:
            dispatcher.utter_message(response="utter_default")
            return [SlotSet("clarify_options", None)]
        listed = "，还是".join(f"{i}. {SERVICE_ZH_ALL[s]}" for i, s in enumerate(options, 1))
        dispatcher.utter_message(text=f"抱歉，我不太确定您的意思。您是想办 {listed}？回复序号就行，"
                                      f"都不是的话请换个说法，或者说“转人工”。")
        return [SlotSet("clarify_options", options)]


class ActionResolveChoice(Action):
    """The answer to a clarifying question: start the chosen service."""

    def name(self) -> Text:
        return "action_resolve_choice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        options = tracker.get_slot("clarify_options") or []
        chosen = choose_by_number(latest_text(tracker), options)
        if not chosen:
            dispatcher.utter_message(response="utter_default")
            return [SlotSet("clarify_options", None)]
        events: List[EventType] = [SlotSet("clarify_options", None)]
        if chosen == "activity_signup":
            said = [e for e in tracker.events if e.get("event") == "user"]
            events += await named_activity((said[-2].get("text") or "") if len(said) > 1 else "")
        if chosen in FORM_SERVICES:
            return events + carried_over(tracker, chosen) + [FollowupAction(f"{chosen}_form")]
        if chosen == "faq":
            dispatcher.utter_message(text="好的，请直接说您想了解的政策问题，例如“办居住证要带什么材料”。")
            return events
        # Handled here rather than by a follow-up action: no rule could tell
        # what comes after a follow-up chosen at run time.
        return events + await emergency_handover(dispatcher, tracker)
