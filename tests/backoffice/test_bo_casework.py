"""Casework against the real service: routing, status rules, reassignment, notes,
callbacks, figures and the audit log, and every permission rule of department accounts
(their own token, and the staff token narrowed with X-Department)."""
from __future__ import annotations

import uuid

import httpx
import pytest

from tests.backoffice.conftest import STAFF_TOKEN


def _client(server, token: str, **headers: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, timeout=10.0,
                        headers={"Authorization": f"Bearer {token}", **headers})


@pytest.fixture(scope="module")
def tokens(server):
    """One token of the property company's and one of the civil affairs window's accounts."""
    with _client(server, STAFF_TOKEN, **{"X-Actor": "zhang.admin"}) as staff:
        issued = {d: staff.post(f"/api/v1/departments/{d}/tokens", json={"label": "test"})
                  for d in ("property", "civil_window")}
    assert all(r.status_code == 201 for r in issued.values())
    return {d: r.json()["token"] for d, r in issued.items()}


@pytest.fixture()
def wuye(server, tokens):
    with _client(server, tokens["property"], **{"X-Actor": "li.wuye"}) as http:
        yield http


@pytest.fixture()
def window(server, tokens):
    with _client(server, tokens["civil_window"]) as http:
        yield http


@pytest.fixture()
def wang(server):
    """A named member of the centre's staff, through the console's staff token."""
    with _client(server, STAFF_TOKEN, **{"X-Actor": "wang.staff"}) as http:
        yield http


def _file(client, make_case, **overrides) -> dict:
    created = client.post("/api/v1/cases", json=make_case(**overrides))
    assert created.status_code == 201, created.text
    return created.json()


def _cert(make_case, make_phone, make_id_number, conversation_id: str, method: str = "window"):
    return make_case(service="social_security_certification", conversation_id=conversation_id, fields={
        "person_name": "王秀英", "id_number": make_id_number(), "phone": make_phone(),
        "cert_method": method, "appointment_time": "2026-12-02T09:00"})


# -- routing ------------------------------------------------------------------------
def test_new_cases_are_routed_by_service_and_category(client, make_case):
    repair = _file(client, make_case)
    assert (repair["department"], repair["department_name"]) == ("property", "物业公司")
    counselling = _file(client, make_case, service="consultation_booking", fields={
        "consultation_type": "psychological", "person_name": "李娜", "phone": "13900001111",
        "appointment_time": "2026-12-02T09:00", "topic": "睡不着"})
    assert counselling["department"] == "social_work"
    lawyer = _file(client, make_case, service="consultation_booking", fields={
        "consultation_type": "legal", "person_name": "李娜", "phone": "13900001111",
        "appointment_time": "2026-12-02T09:00", "topic": "遗嘱"})
    assert lawyer["department"] == "centre"
    assert _file(client, make_case, service="emergency_help",
                 fields={"emergency_type": "fall"})["department"] == "grid"


def test_the_routing_table_can_be_changed_and_is_checked(wang, client, make_case):
    table = wang.get("/api/v1/routing").json()["rules"]
    assert {"service": "property_repair", "category": None, "department": "property"} in table
    created = wang.post("/api/v1/departments", json={"department_id": f"lift_{uuid.uuid4().hex[:6]}",
                                                     "name": "电梯维保公司", "kind": "provider"})
    assert created.status_code == 201
    lift = created.json()["department_id"]
    rule = {"service": "property_repair", "category": "elevator", "department": lift}
    try:
        assert wang.put("/api/v1/routing", json={"rules": table + [rule]}).status_code == 200
        elevator = _file(client, make_case, fields={"repair_category": "elevator", "address": "5号楼",
                                                    "description": "电梯停了", "phone": "13900002222"})
        assert elevator["department"] == lift and elevator["department_name"] == "电梯维保公司"
        water = _file(client, make_case)
        assert water["department"] == "property"
    finally:
        assert wang.put("/api/v1/routing", json={"rules": table}).status_code == 200
    assert _file(client, make_case, fields={"repair_category": "elevator", "address": "5号楼",
                                            "description": "电梯停了"})["department"] == "property"
    twice = wang.put("/api/v1/routing", json={"rules": table + [table[0]]})
    assert twice.status_code == 422 and twice.json()["error"] == "duplicate_rule"
    unknown = wang.put("/api/v1/routing", json={"rules": [{"service": "*", "department": "nobody"}]})
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_department"
    assert wang.get("/api/v1/routing").json()["rules"] == table


# -- status rules -----------------------------------------------------------------
def test_status_moves_forward_rejection_needs_a_note_and_reopening_is_for_staff(
        client, wang, wuye, make_case):
    number = _file(client, make_case)["case_number"]
    url = f"/api/v1/cases/{number}"
    assert wuye.get(url).json()["next_statuses"] == ["accepted", "in_progress", "done", "rejected"]
    assert wuye.patch(url, json={"status": "accepted", "note": "已派单"}).status_code == 200
    for status in ("received", "accepted"):
        refused = wuye.patch(url, json={"status": status})
        assert refused.status_code == 409 and refused.json()["error"] == "invalid_transition"
    no_note = wuye.patch(url, json={"status": "rejected", "note": "  "})
    assert no_note.status_code == 422 and no_note.json()["error"] == "note_required"
    assert wuye.patch(url, json={"status": "done", "note": "已修好"}).status_code == 200
    assert wuye.get(url).json()["next_statuses"] == []
    reopen = wuye.patch(url, json={"status": "in_progress"})
    assert reopen.status_code == 403 and reopen.json()["error"] == "forbidden"
    assert wang.get(url).json()["next_statuses"] == ["accepted", "in_progress"]
    reopened = wang.patch(url, json={"status": "in_progress", "note": "居民说又漏了"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"
    history = client.get(f"{url}/history").json()
    assert [(h["kind"], h["status"], h["actor"]) for h in history] == [
        ("created", "received", "assistant"), ("status", "accepted", "li.wuye"),
        ("status", "done", "li.wuye"),
        ("status", "in_progress", "wang.staff")]


# -- department accounts: every rule --------------------------------------------------
def test_a_department_sees_and_changes_only_its_own_cases(
        client, wuye, window, make_case, make_phone, make_id_number):
    conversation = f"conv-{uuid.uuid4().hex[:12]}"
    repair = _file(client, make_case, conversation_id=conversation)["case_number"]
    cert = client.post("/api/v1/cases", json=_cert(make_case, make_phone, make_id_number,
                                                    conversation)).json()["case_number"]
    listed = wuye.get("/api/v1/cases", params={"conversation_id": conversation})
    assert [c["case_number"] for c in listed.json()] == [repair]
    assert listed.headers["X-Total-Count"] == "1"
    assert [c["case_number"] for c in window.get("/api/v1/cases", params={"q": cert}).json()] == [cert]
    assert wuye.get("/api/v1/cases", params={"q": cert}).json() == []
    everything = wuye.get("/api/v1/cases", params={"limit": 200}).json()
    assert everything and {c["department"] for c in everything} == {"property"}

    theirs = f"/api/v1/cases/{cert}"
    for response in (wuye.get(theirs), wuye.get(f"{theirs}/history"), wuye.get(f"{theirs}/notes"),
                     wuye.get(f"{theirs}/fields/phone"),
                     wuye.patch(theirs, json={"status": "accepted"}),
                     wuye.post(f"{theirs}/notes", json={"text": "不是我们的"}),
                     wuye.post(f"{theirs}/amendments", json={"fields": {"phone": "13900000000"}}),
                     wuye.post(f"{theirs}/assignment", json={"department": None, "note": "退回"})):
        assert response.status_code == 404, response.request.url
        assert response.json()["error"] == "not_found"
    assert client.get(theirs).json()["status"] == "received"
    assert [h["kind"] for h in client.get(f"{theirs}/history").json()] == ["created"]
    assert wuye.patch(f"/api/v1/cases/{repair}", json={"status": "accepted"}).status_code == 200


def test_the_staff_token_narrowed_to_a_department_follows_the_same_rules(
        server, client, make_case, make_phone, make_id_number):
    cert = client.post("/api/v1/cases", json=_cert(make_case, make_phone, make_id_number,
                                                    f"conv-{uuid.uuid4().hex[:8]}")).json()["case_number"]
    repair = _file(client, make_case)["case_number"]
    with _client(server, STAFF_TOKEN, **{"X-Department": "property", "X-Actor": "li.wuye"}) as as_wuye:
        assert as_wuye.get(f"/api/v1/cases/{cert}").status_code == 404
        assert as_wuye.patch(f"/api/v1/cases/{cert}", json={"status": "accepted"}).status_code == 404
        assert as_wuye.get(f"/api/v1/cases/{repair}").status_code == 200
        assert as_wuye.post(f"/api/v1/cases/{repair}/assignment",
                            json={"department": "grid"}).status_code == 403
        assert as_wuye.get("/api/v1/audit").status_code == 403
    with _client(server, STAFF_TOKEN, **{"X-Department": "Not a department!"}) as bad:
        assert bad.get(f"/api/v1/cases/{repair}").status_code == 403


def test_what_a_department_may_not_do_at_all(wuye, client, make_case):
    number = _file(client, make_case)["case_number"]
    forbidden = [
        wuye.post(f"/api/v1/cases/{number}/assignment", json={"department": "grid", "note": "转网格"}),
        wuye.post(f"/api/v1/cases/{number}/assignment", json={"department": None}),
        wuye.put("/api/v1/routing", json={"rules": []}),
        wuye.post("/api/v1/departments", json={"department_id": "mine", "name": "我的"}),
        wuye.patch("/api/v1/departments/property", json={"name": "改名"}),
        wuye.post("/api/v1/departments/property/tokens", json={}),
        wuye.delete("/api/v1/departments/civil_window/tokens"),
        wuye.get("/api/v1/audit"),
    ]
    assert [r.status_code for r in forbidden] == [403] * len(forbidden)
    assert client.get(f"/api/v1/cases/{number}").json()["department"] == "property"


def test_a_department_returns_a_case_to_the_centre_and_no_longer_sees_it(wuye, wang, client, make_case):
    number = _file(client, make_case)["case_number"]
    returned = wuye.post(f"/api/v1/cases/{number}/assignment",
                         json={"department": None, "note": "这是小区外的道路，不归物业"})
    assert returned.status_code == 200 and returned.json()["department"] is None
    assert wuye.get(f"/api/v1/cases/{number}").status_code == 404
    assert number in [c["case_number"] for c in wang.get(
        "/api/v1/cases", params={"department": "none", "q": number}).json()]
    moved = wang.post(f"/api/v1/cases/{number}/assignment", json={"department": "grid", "note": "网格员处理"})
    assert moved.status_code == 200 and moved.json()["department_name"] == "网格员"
    unknown = wang.post(f"/api/v1/cases/{number}/assignment", json={"department": "nobody"})
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_department"
    history = wang.get(f"/api/v1/cases/{number}/history").json()
    assert [(h["kind"], h["department"], h["actor"]) for h in history] == [
        ("created", "property", "assistant"), ("assigned", None, "li.wuye"),
        ("assigned", "grid", "wang.staff")]
    assert history[1]["note"] == "这是小区外的道路，不归物业"


def test_the_assistant_token_does_no_casework(client, make_case):
    number = _file(client, make_case)["case_number"]
    refused = [
        client.post(f"/api/v1/cases/{number}/assignment", json={"department": "grid"}),
        client.get(f"/api/v1/cases/{number}/notes"),
        client.post(f"/api/v1/cases/{number}/notes", json={"text": "x"}),
        client.get(f"/api/v1/cases/{number}/fields/phone"),
        client.get("/api/v1/callbacks"),
        client.post("/api/v1/callbacks", json={"channel": "voice", "conversation_id": "voice:1"}),
        client.get("/api/v1/audit"),
        client.get("/api/v1/stats"),
        client.put("/api/v1/routing", json={"rules": []}),
        client.post("/api/v1/departments", json={"department_id": "mine", "name": "我的"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert client.get("/api/v1/cases").status_code == 400  # still needs a phone or conversation


def test_revoked_tokens_and_switched_off_departments_are_refused(server, wang):
    department = f"d_{uuid.uuid4().hex[:8]}"
    assert wang.post("/api/v1/departments", json={"department_id": department, "name": "临时部门"}).status_code == 201
    token = wang.post(f"/api/v1/departments/{department}/tokens", json={"label": "x"}).json()["token"]
    with _client(server, token) as dept:
        assert dept.get("/api/v1/cases").status_code == 200
        assert wang.patch(f"/api/v1/departments/{department}", json={"active": False}).status_code == 200
        assert dept.get("/api/v1/cases").status_code == 401
        assert wang.patch(f"/api/v1/departments/{department}", json={"active": True}).status_code == 200
        assert dept.get("/api/v1/cases").status_code == 200
        assert wang.delete(f"/api/v1/departments/{department}/tokens").json()["revoked"] == 1
        assert dept.get("/api/v1/cases").status_code == 401
    with _client(server, "dpt_not-a-token") as forged:
        assert forged.get("/api/v1/cases").status_code == 401


# -- notes, reveal, callbacks, audit ---------------------------------------------------
def test_private_notes_are_for_staff_and_the_department(wuye, wang, client, make_case, notify_sink):
    number = _file(client, make_case, channel="webchat")["case_number"]
    assert wuye.post(f"/api/v1/cases/{number}/notes", json={"text": "周三上午联系过居民"}).status_code == 201
    assert wang.post(f"/api/v1/cases/{number}/notes", json={"text": "居民腿脚不便，上门前先打电话"}).status_code == 201
    notes = wuye.get(f"/api/v1/cases/{number}/notes").json()
    assert [(n["author"], n["department"], n["text"]) for n in notes] == [
        ("li.wuye", "property", "周三上午联系过居民"), ("wang.staff", None, "居民腿脚不便，上门前先打电话")]
    assert wuye.patch(f"/api/v1/cases/{number}", json={"status": "accepted"}).status_code == 200
    delivered = notify_sink.wait_for(number, "accepted")["json"]
    assert "周三" not in str(delivered) and "腿脚" not in str(delivered)


def test_revealing_a_field_is_audited(wuye, wang, client, make_case, make_phone):
    phone = make_phone()
    number = _file(client, make_case, fields={"address": "3号楼2单元502", "repair_category": "water",
                                              "description": "漏水", "phone": phone})["case_number"]
    assert wuye.get(f"/api/v1/cases/{number}").json()["fields"]["phone"] != phone
    revealed = wuye.get(f"/api/v1/cases/{number}/fields/phone")
    assert revealed.status_code == 200 and (revealed.json()["value"] == phone) is True
    assert wuye.get(f"/api/v1/cases/{number}/fields/id_number").status_code == 404
    entries = wang.get("/api/v1/audit", params={"case_number": number}).json()
    assert [(e["action"], e["actor"], e["detail"]) for e in entries if e["action"] == "field_revealed"] == [
        ("field_revealed", "li.wuye", "phone")]
    assert (phone in str(entries)) is False


def test_every_change_is_in_the_audit_log(server, wang, wuye, client, make_case):
    number = _file(client, make_case)["case_number"]
    steps = [
        wuye.patch(f"/api/v1/cases/{number}", json={"status": "accepted"}),
        wuye.post(f"/api/v1/cases/{number}/notes", json={"text": "备注"}),
        client.post(f"/api/v1/cases/{number}/amendments", json={"fields": {"floor": "5"}}),
        wang.post(f"/api/v1/cases/{number}/assignment", json={"department": "grid", "note": "改派"}),
        wang.patch(f"/api/v1/cases/{number}", json={"status": "rejected", "note": "重复报修"}),
    ]
    assert all(s.status_code in (200, 201) for s in steps)
    entries = wang.get("/api/v1/audit", params={"case_number": number}).json()
    assert [(e["action"], e["actor"], e["role"], e["department"]) for e in reversed(entries)] == [
        ("case_created", "assistant", "assistant", None),
        ("status_changed", "li.wuye", "department", "property"),
        ("note_added", "li.wuye", "department", "property"),
        ("case_amended", "assistant", "assistant", None),
        ("case_assigned", "wang.staff", "staff", None),
        ("status_changed", "wang.staff", "staff", None)]
    assert entries[0]["detail"] == "accepted -> rejected" and entries[1]["detail"] == "property -> grid"
    assert "重复报修" not in str(entries)
    # Refused changes leave nothing behind.
    assert wuye.patch(f"/api/v1/cases/{number}", json={"status": "done"}).status_code == 404
    assert len(wang.get("/api/v1/audit", params={"case_number": number}).json()) == len(entries)
    admin_entries = wang.get("/api/v1/audit", params={"action": "token_issued"}).json()
    assert admin_entries and admin_entries[-1]["actor"] == "zhang.admin"


def test_a_phone_callers_status_change_becomes_a_callback_for_the_department(
        wuye, window, wang, client, make_case, make_phone):
    phone = make_phone()
    number = _file(client, make_case, channel="voice", conversation_id=f"voice:{uuid.uuid4().hex}",
                   fields={"address": "3号楼", "repair_category": "water", "description": "漏水",
                           "phone": phone})["case_number"]
    assert wuye.patch(f"/api/v1/cases/{number}", json={"status": "in_progress", "note": "师傅下午到"}).status_code == 200
    mine = [c for c in wuye.get("/api/v1/callbacks").json() if c["case_number"] == number]
    assert [(c["reason"], c["department"], c["note"], c["status"]) for c in mine] == [
        ("status:in_progress", "property", "师傅下午到", "open")]
    assert mine[0]["phone"] == phone[:3] + "****" + phone[-4:]
    assert number not in [c["case_number"] for c in window.get("/api/v1/callbacks").json()]
    callback = mine[0]["callback_id"]
    assert window.get(f"/api/v1/callbacks/{callback}/phone").status_code == 404
    assert (wuye.get(f"/api/v1/callbacks/{callback}/phone").json()["phone"] == phone) is True
    assert window.patch(f"/api/v1/callbacks/{callback}", json={"status": "done"}).status_code == 404
    closed = wuye.patch(f"/api/v1/callbacks/{callback}", json={"status": "done", "result": "已电话告知"})
    assert closed.status_code == 200 and closed.json()["closed_by"] == "li.wuye"
    again = wuye.patch(f"/api/v1/callbacks/{callback}", json={"status": "cancelled"})
    assert again.status_code == 409
    assert wuye.patch(f"/api/v1/callbacks/{callback}", json={"status": "open"}).status_code == 422
    actions = [e["action"] for e in wang.get("/api/v1/audit", params={"limit": 50}).json()]
    assert {"callback_created", "callback_phone_revealed", "callback_closed"} <= set(actions)


def test_staff_queue_a_callback_with_the_routed_department(wang, wuye):
    created = wang.post("/api/v1/callbacks", json={
        "channel": "voice", "conversation_id": f"voice:{uuid.uuid4().hex}", "phone": "13900003333",
        "service": "property_repair", "note": "居民挂断了，请回电登记报修"})
    assert created.status_code == 201
    body = created.json()
    assert (body["department"], body["reason"], body["phone"]) == ("property", "takeover", "139****3333")
    assert body["callback_id"] in [c["callback_id"] for c in wuye.get("/api/v1/callbacks").json()]


# -- figures, list filters --------------------------------------------------------------
def test_figures_count_cases_per_department_and_times_to_act(server, wang, wuye, client, make_case):
    before = wuye.get("/api/v1/stats").json()
    number = _file(client, make_case)["case_number"]
    wuye.patch(f"/api/v1/cases/{number}", json={"status": "accepted"})
    wuye.patch(f"/api/v1/cases/{number}", json={"status": "done"})
    after = wuye.get("/api/v1/stats").json()
    assert set(after["by_department"]) == {"property"}
    assert after["total"] == before["total"] + 1
    assert after["by_department"]["property"].get("done", 0) == before["by_department"].get(
        "property", {}).get("done", 0) + 1
    assert after["time_to_done"]["property"]["count"] == before["time_to_done"].get(
        "property", {"count": 0})["count"] + 1
    assert after["time_to_first_action"]["*"]["median_minutes"] >= 0
    assert sum(after["by_hour"].values()) == after["total"] and len(after["by_hour"]) == 24
    everything = wang.get("/api/v1/stats").json()
    assert everything["total"] >= after["total"] and "social_work" in everything["by_department"]


def test_the_case_list_filters_and_pages(wang, client, make_case, make_phone):
    channel = f"kiosk{uuid.uuid4().hex[:6]}"
    phone = make_phone()
    numbers = [_file(client, make_case, channel=channel)["case_number"] for _ in range(3)]
    numbers.append(_file(client, make_case, channel=channel, service="complaint_suggestion",
                         fields={"kind": "suggestion", "content": "多装路灯", "phone": phone})["case_number"])
    wang.patch(f"/api/v1/cases/{numbers[0]}", json={"status": "accepted"})

    def listed(**params) -> tuple[list[str], str]:
        response = wang.get("/api/v1/cases", params={"channel": channel, **params})
        assert response.status_code == 200, response.text
        return [c["case_number"] for c in response.json()], response.headers["X-Total-Count"]

    assert listed() == (numbers[::-1], "4")
    assert listed(limit=2) == (numbers[::-1][:2], "4")
    assert listed(limit=2, offset=2) == (numbers[::-1][2:], "4")
    assert listed(status="accepted") == ([numbers[0]], "1")
    assert listed(service="complaint_suggestion") == ([numbers[3]], "1")
    assert listed(department="centre") == ([numbers[3]], "1")
    assert listed(q=phone) == ([numbers[3]], "1")
    assert listed(q=numbers[1].lower()) == ([numbers[1]], "1")
    today = client.get(f"/api/v1/cases/{numbers[0]}").json()["created_at"][:10]
    assert listed(created_from=today, created_to=today)[1] == "4"
    assert listed(created_to="2000-01-01") == ([], "0")
    assert wang.get("/api/v1/cases", params={"department": "Bad!"}).status_code == 422


def test_the_service_catalogue_names_required_fields(client):
    services = {s["service"]: s for s in client.get("/api/v1/services").json()}
    assert services["property_repair"]["required"] == ["address", "repair_category", "description", "phone"]
    assert services["social_security_certification"]["required_when"]["address"] == {
        "cert_method": ["home_visit"]}
    assert len(services) == 11


def test_the_assistant_reads_no_personal_data_through_the_new_fields(client, make_case, make_phone):
    phone = make_phone()
    case = _file(client, make_case, fields={"phone": phone, "address": "3号楼2单元502",
                                            "repair_category": "water", "description": "漏水"})
    assert case["next_statuses"] == []
    assert (phone in str(case)) is False


def test_the_openapi_document_describes_the_casework_routes(server):
    paths = httpx.get(f"{server.base_url}/openapi.json").json()["paths"]
    assert {"/api/v1/cases/{case_number}/assignment", "/api/v1/cases/{case_number}/notes",
            "/api/v1/cases/{case_number}/fields/{name}", "/api/v1/callbacks",
            "/api/v1/callbacks/{callback_id}", "/api/v1/callbacks/{callback_id}/phone",
            "/api/v1/departments", "/api/v1/departments/{department_id}",
            "/api/v1/departments/{department_id}/tokens", "/api/v1/routing", "/api/v1/services",
            "/api/v1/audit", "/api/v1/stats"} <= set(paths)
    listing = {p["name"] for p in paths["/api/v1/cases"]["get"]["parameters"]}
    assert {"service", "status", "department", "channel", "created_from", "created_to", "q",
            "offset"} <= listing


def test_out_of_range_callback_ids_are_refused_cleanly(wang):
    assert wang.get(f"/api/v1/callbacks/{10**30}/phone").status_code == 422
    assert wang.patch("/api/v1/callbacks/0", json={"status": "done"}).status_code == 422
