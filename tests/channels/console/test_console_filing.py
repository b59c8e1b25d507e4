"""Staff complete and file a resident's form in progress through the assistant's filing
path: one idempotency key for the form whoever files it, so a later 对 never files twice."""
from __future__ import annotations

import httpx
import pytest

from channels.console.filing import after_filing_events, case_fields, checked_value, merge, needed
from state.outbox import form_started_at, submission_key
from tests.channels.console.helpers import ConsoleUser
from tests.stack import CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD

REPAIR = {"service": "property_repair", "required": ["address", "repair_category", "description", "phone"],
          "optional": ["preferred_time"], "extra": ["building", "unit", "room"], "required_when": {}}
CERT = {"service": "social_security_certification", "required": ["person_name", "id_number", "phone", "cert_method"],
        "optional": [], "extra": [], "required_when": {"appointment_time": {"cert_method": ["home_visit", "window"]},
                                                       "address": {"cert_method": ["home_visit"]}}}


def _events(*kinds: tuple) -> list[dict]:
    out = []
    for i, (kind, name) in enumerate(kinds):
        out.append({"event": kind, "name": name, "timestamp": float(i)})
    return out


# -- the shared key (pure) ------------------------------------------------------------
def test_a_resumed_form_keeps_the_key_of_the_form_that_was_started():
    started = _events(("action", "property_repair_form"), ("active_loop", "property_repair_form"),
                      ("action", "action_request_human"), ("active_loop", None))
    resumed = started + _events(("action", "action_resume_form"), ("active_loop", "property_repair_form"))
    assert form_started_at(started, "property_repair_form") == 1.0
    assert form_started_at(resumed, "property_repair_form") == 1.0
    assert submission_key("u1", "property_repair", started, {}) == submission_key("u1", "property_repair", resumed, {})
    # A second repair started afresh after the first was filed is a new form: a new key.
    again = resumed + [{"event": "action", "name": "property_repair_form", "timestamp": 9.0},
                       {"event": "active_loop", "name": "property_repair_form", "timestamp": 9.5}]
    assert submission_key("u1", "property_repair", again, {}) != submission_key("u1", "property_repair", started, {})
    assert submission_key("u2", "property_repair", started, {}) != submission_key("u1", "property_repair", started, {})


def test_without_a_form_the_message_anchors_the_key():
    events = [{"event": "user", "text": "煤气味", "timestamp": 5.0}]
    one = submission_key("u1", "emergency_help", events, {"message_id": "m1"})
    assert one == submission_key("u1", "emergency_help", events, {"message_id": "m1"})
    assert one != submission_key("u1", "emergency_help", events, {"message_id": "m2"})


# -- checking what staff enter (pure) -----------------------------------------------------
def test_staff_values_are_checked_as_the_assistant_checks_them():
    assert checked_value("phone", "139-1234-5678") == ("13912345678", None)
    assert "11位" in checked_value("phone", "1391234567")[1]
    assert checked_value("id_number", "11010519491231002x") == ("11010519491231002X", None)
    assert "校验" in checked_value("id_number", "110105194912310021")[1]
    assert checked_value("repair_category", "water") == ("water", None)
    assert checked_value("repair_category", "水管")[0] is None
    assert checked_value("appointment_time", "2026-12-02T09:00") == ("2026-12-02T09:00", None)
    assert checked_value("grade", "7")[0] is None and checked_value("grade", "3") == (3, None)


def test_required_fields_follow_the_other_values_and_only_the_services_fields_are_filed():
    assert needed(CERT, {"cert_method": "online_guidance"}) == CERT["required"]
    assert needed(CERT, {"cert_method": "home_visit"}) == CERT["required"] + ["appointment_time", "address"]
    merged, problems = merge(REPAIR, {"description": "漏水", "requested_slot": "phone"},
                             {"phone": "13912345678", "address": "3号楼", "confirm": True, "situation": "x"})
    assert problems == [] and merged["phone"] == "13912345678" and "situation" not in merged
    filed = case_fields(REPAIR, dict(merged, repair_category="water", preferred_time="any", building="3"))
    assert filed == {"address": "3号楼", "repair_category": "water", "description": "漏水",
                     "phone": "13912345678", "building": "3"}
    events = after_filing_events(REPAIR, "property_repair", "SQ1", {"phone": "13912345678"})
    cleared = {e["name"] for e in events if e["value"] is None}
    assert {"repair_category", "description", "preferred_time", "paused_form", "confirm"} <= cleared
    assert "phone" not in cleared and "address" not in cleared
    assert {"event": "slot", "name": "last_case_number", "value": "SQ1"} in events


# -- against the whole assistant --------------------------------------------------------
@pytest.fixture(scope="module")
def staff(stack):
    user = ConsoleUser(stack.console)
    assert user.login(CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD).status_code == 303
    return user


def at_read_back(stack, sender: str, phone: str) -> None:
    stack.say(sender, f"我家3号楼2单元502卫生间水管漏水了，电话{phone}，明天上午来修")
    assert stack.slots(sender)["requested_slot"] == "confirm"


@pytest.mark.slow
def test_staff_file_a_form_waiting_for_confirmation_and_a_later_yes_files_nothing(stack, staff, sender, fresh_phone):
    at_read_back(stack, sender, fresh_phone)
    stack.say(sender, "转人工")
    cid = f"/api/conversations/{sender}"
    form = staff.get(f"{cid}/form").json()
    assert form["service_zh"] == "物业报修" and form["missing"] == []
    assert {f["label"]: f["value"] for f in form["fields"]}["问题类别"] == "水管/用水"
    assert (fresh_phone in str(form)) is False
    assert staff.post(f"{cid}/form/file", {"values": {}}).status_code == 409  # not taken over yet
    assert staff.post(f"{cid}/takeover").status_code == 200
    filed = staff.post(f"{cid}/form/file", {"values": {}})
    assert filed.status_code == 200, filed.text
    number = filed.json()["case_number"]
    assert filed.json()["created"] is True
    [case] = stack.cases(conversation_id=sender)
    assert case["case_number"] == number and case["fields"]["repair_category"] == "water"
    slots = stack.slots(sender)
    assert slots["last_case_number"] == number and slots["paused_form"] is None
    assert staff.get(f"{cid}/form").json()["service"] is None
    again = staff.post(f"{cid}/form/file", {"values": {}})
    assert again.status_code == 404  # nothing left to file
    assert staff.post(f"{cid}/handback").status_code == 200
    stack.say(sender, "对")
    assert [c["case_number"] for c in stack.cases(conversation_id=sender)] == [number]
    history = staff.get(f"/api/cases/{number}").json()["history"]
    assert history[0]["actor"] == CONSOLE_ADMIN


@pytest.mark.slow
def test_a_form_resumed_after_staff_filed_it_gets_the_same_case(stack, staff, sender, fresh_phone):
    """The assistant and the console derive one key: even if the form resumes and the
    resident confirms it, the back office returns the case staff filed."""
    at_read_back(stack, sender, fresh_phone)
    before = stack.slots(sender)
    stack.say(sender, "转人工")
    cid = f"/api/conversations/{sender}"
    assert staff.post(f"{cid}/takeover").status_code == 200
    number = staff.post(f"{cid}/form/file", {"values": {}}).json()["case_number"]
    # As if the form had been paused again (an older console, a race): its slots back.
    restore = [{"event": "slot", "name": n, "value": before[n]}
               for n in ("repair_category", "description", "preferred_time") if before.get(n) is not None]
    restore.append({"event": "slot", "name": "paused_form", "value": "property_repair_form"})
    assert httpx.post(f"{stack.rasa}/conversations/{sender}/tracker/events", json=restore,
                      timeout=30).status_code == 200
    assert staff.post(f"{cid}/handback").status_code == 200
    assert stack.slots(sender)["requested_slot"] == "confirm"
    said = " ".join(stack.say(sender, "对"))
    assert number in said
    assert [c["case_number"] for c in stack.cases(conversation_id=sender)] == [number]


@pytest.mark.slow
def test_staff_complete_what_is_missing_before_filing(stack, staff, sender, fresh_phone):
    stack.say(sender, "我要报修，卫生间水管漏水了")
    stack.say(sender, "转人工")
    cid = f"/api/conversations/{sender}"
    assert staff.post(f"{cid}/takeover").status_code == 200
    form = staff.get(f"{cid}/form").json()
    assert {"地址", "联系电话"} <= set(form["missing"])
    short = staff.post(f"{cid}/form/file", {"values": {"address": "5号楼1单元301", "phone": "1391234"}})
    assert short.status_code == 400 and "联系电话" in short.json()["error"]
    missing = staff.post(f"{cid}/form/file", {"values": {"phone": fresh_phone}})
    assert missing.status_code == 400 and "地址" in missing.json()["error"]
    assert stack.cases(conversation_id=sender) == []
    filed = staff.post(f"{cid}/form/file", {"values": {"address": "5号楼1单元301", "phone": fresh_phone}})
    assert filed.status_code == 200, filed.text
    [case] = stack.cases(conversation_id=sender)
    assert case["fields"]["address"].startswith("5号楼1单元") and case["department"] == "property"
    assert case["fields"]["phone"] == fresh_phone[:3] + "****" + fresh_phone[-4:]
    line = stack.tracker(sender)["events"][-1]
    assert line["event"] == "bot" and filed.json()["case_number"] in line["text"]
    assert staff.post(f"{cid}/handback").status_code == 200
