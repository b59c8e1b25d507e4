"""An answer the classifier took for a question or for nothing (out_of_scope) is still
checked by the form's validator: accepted, or re-asked with the reason and counted."""
import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.forms.residence_permit  # noqa: F401  (registers the form's validator)
from actions.conversation import ActionDigress
from bot.embedded_redis import free_port
from tests.hardening.conftest import start_redis, stop_redis


@pytest.fixture(scope="module")
def domain(tmp_path_factory):
    """The assistant's domain, with a Redis of its own for the validators' look-ups."""
    port = free_port()
    proc = start_redis(port, tmp_path_factory.mktemp("redis"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REDIS_URL", f"redis://127.0.0.1:{port}/0")
        yield Domain.load("bot/domain").as_dict()
    stop_redis(proc)


def run_digress(domain, requested, text, intent):
    tracker = Tracker("s", {"requested_slot": requested},
                      {"text": text, "intent": {"name": intent, "confidence": 0.7}, "entities": []},
                      [{"event": "user", "text": text}], False, None,
                      {"name": "residence_permit_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionDigress().run(dispatcher, tracker, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return slots, [m.get("text") or m.get("response") for m in dispatcher.messages]


def test_a_name_taken_for_out_of_scope_fills_the_name(domain):
    slots, said = run_digress(domain, "person_name", "阿依古丽·买买提", "out_of_scope")
    assert slots.get("person_name") == "阿依古丽·买买提"
    assert not any("办不了" in (m or "") for m in said)


def test_a_time_offered_as_a_question_is_the_answer(domain):
    slots, _ = run_digress(domain, "appointment_time", "下周五上午九点整可以吗", "faq")
    assert str(slots.get("appointment_time", "")).endswith("T09:00")


def test_an_unplaceable_message_is_re_asked_with_the_reason_and_counted(domain):
    slots, said = run_digress(domain, "id_number", "你们那边能帮忙买点菜吗我腿脚不好", "out_of_scope")
    assert slots.get("id_number") is None
    assert (slots.get("validation_failures") or {}).get("id_number") == 1
    assert any("身份证" in (m or "") for m in said)


def test_asking_how_far_the_case_just_filed_has_got_stops_the_form_for_its_progress(domain):
    from actions.forms.elderly_allowance import ValidateElderlyAllowanceForm
    text = "刚刚申请额高龄津贴，现在办到啥地方了？"
    tracker = Tracker("s", {"last_case_number": "SQ20261207-000004", "last_service": "elderly_allowance",
                            "person_name": "周阿珍"},
                      {"text": text, "intent": {"name": "elderly_allowance", "confidence": 0.9}, "entities": []},
                      [{"event": "slot", "name": "last_service", "value": "elderly_allowance"},
                       {"event": "user", "text": text}], False, None, None, "action_listen")
    events = asyncio.run(ValidateElderlyAllowanceForm().run(CollectingDispatcher(), tracker, domain))
    assert {"event": "slot", "timestamp": None, "name": "form_stopped", "value": "progress"} in events


def test_a_third_question_in_a_row_while_a_question_waits_is_checked_as_an_answer(domain):
    text = "这个要带什么东西"
    events = []
    for _ in range(3):
        events += [{"event": "user", "text": text}, {"event": "action", "name": "action_digress"},
                   {"event": "action", "name": "residence_permit_form"}, {"event": "action", "name": "action_listen"}]
    events = events[:-3]  # the third turn is the one being answered
    tracker = Tracker("s", {"requested_slot": "id_number"},
                      {"text": text, "intent": {"name": "faq", "confidence": 0.6}, "entities": []},
                      events, False, None, {"name": "residence_permit_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionDigress().run(dispatcher, tracker, domain))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert (slots.get("validation_failures") or {}).get("id_number") == 1
