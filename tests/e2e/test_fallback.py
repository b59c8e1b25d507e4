"""Low confidence: a clarifying question between the two likeliest services;
two misses in a row hand over to a human."""
import httpx
import pytest

from actions.fallback import SERVICE_ZH_ALL, likely_services

pytestmark = pytest.mark.slow
UNCLEAR = "😀😀"
# Vague requests; the model should be unsure about at least one of them.
VAGUE = ["我想问问我妈的事", "那个补贴的事情", "家里老人的事想办一下", "我想办个事", "上次那个事",
         "帮我看看那个", "社区的那个东西", "关于我爸的"]


def unsure_message(stack):
    for text in VAGUE:
        parse = httpx.post(f"{stack.rasa}/model/parse", json={"text": text}, timeout=30).json()
        options = likely_services(parse["intent_ranking"])
        if parse["intent"]["name"] == "nlu_fallback" and len(options) == 2:
            return text, options
    raise AssertionError("the model was confident about every vague request")


def test_emoji_only_is_never_an_intent(stack):
    parse = httpx.post(f"{stack.rasa}/model/parse", json={"text": UNCLEAR}, timeout=30).json()
    assert parse["intent"]["name"] == "nlu_fallback" and parse["intent_ranking"] == []


def test_clarifying_question_offers_two_services_and_a_number_picks_one(stack, sender):
    text, options = unsure_message(stack)
    reply = "\n".join(stack.say(sender, text))
    assert f"1. {SERVICE_ZH_ALL[options[0]]}" in reply and f"2. {SERVICE_ZH_ALL[options[1]]}" in reply
    assert stack.slots(sender)["clarify_options"] == options
    reply = "\n".join(stack.say(sender, "1"))
    tracker = stack.tracker(sender)
    actions = [e.get("name") for e in tracker["events"] if e["event"] == "action"]
    assert "action_resolve_choice" in actions, actions[-8:]
    assert tracker["slots"]["clarify_options"] is None
    assert "没太听明白" not in reply


def test_two_fallbacks_in_a_row_hand_over(stack, sender):
    stack.say(sender, UNCLEAR)
    reply = "\n".join(stack.say(sender, "？？"))
    assert "工作人员" in reply
    assert stack.slots(sender)["handoff_reason"] == "fallback"
