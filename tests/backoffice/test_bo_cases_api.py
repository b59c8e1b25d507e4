"""Cases over HTTP against the real service: create, read, find, status, masking."""
import re
import socket
import sqlite3
import time
import uuid

import httpx

CASE_NUMBER = re.compile(r"^SQ\d{8}-\d{6}$")


def _masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def test_create_get_and_find_by_phone_and_conversation(client, make_case, make_phone):
    phone = make_phone()
    body = make_case(fields={"address": "3号楼2单元502", "building": "3", "unit": "2", "room": "502",
                             "repair_category": "water", "description": "厨房水管漏水", "phone": phone})
    created = client.post("/api/v1/cases", json=body)
    assert created.status_code == 201
    case = created.json()
    assert CASE_NUMBER.match(case["case_number"])
    assert (case["service"], case["status"], case["priority"]) == ("property_repair", "received", "normal")
    assert case["needs_caseworker"] is False
    assert (case["channel"], case["conversation_id"]) == ("rest", body["conversation_id"])
    assert case["created_at"].endswith("+08:00")
    assert case["fields"] == {"address": "3号楼2单元5**", "building": "3", "unit": "2", "room": "5**",
                              "repair_category": "water", "description": "厨房水管漏水",
                              "phone": _masked_phone(phone)}

    fetched = client.get(f"/api/v1/cases/{case['case_number'].lower()}")
    assert fetched.status_code == 200 and fetched.json() == case

    spaced = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"  # same number, other notation
    second = client.post("/api/v1/cases", json=make_case(
        service="complaint_suggestion", conversation_id=body["conversation_id"],
        fields={"kind": "complaint", "content": "路灯坏了", "phone": spaced})).json()
    by_phone = client.get("/api/v1/cases", params={"phone": phone})
    assert by_phone.status_code == 200
    assert [c["case_number"] for c in by_phone.json()] == [second["case_number"], case["case_number"]]
    by_conversation = client.get("/api/v1/cases", params={"conversation_id": body["conversation_id"]})
    assert [c["case_number"] for c in by_conversation.json()] == [second["case_number"], case["case_number"]]
    assert client.get("/api/v1/cases", params={"phone": make_phone()}).json() == []


def test_personal_data_masked_in_every_response_and_encrypted_at_rest(
        server, client, staff, make_case, make_phone, make_id_number):
    phone, id_number = make_phone(), make_id_number()
    secrets = [phone, id_number, "欧阳娜娜", "幸福里小区3号楼2单元502"]
    body = make_case(service="social_security_certification", fields={
        "person_name": "欧阳娜娜", "id_number": id_number, "phone": phone, "cert_method": "home_visit",
        "address": "幸福里小区3号楼2单元502", "appointment_time": "2026-12-02T09:00",
        "situation": f"腿脚不便，备用电话{make_phone()}"})
    number = client.post("/api/v1/cases", json=body).json()["case_number"]
    responses = [
        client.post("/api/v1/cases", json=body),
        client.get(f"/api/v1/cases/{number}"),
        client.get("/api/v1/cases", params={"phone": phone}),
        client.get("/api/v1/cases", params={"conversation_id": body["conversation_id"]}),
        staff.patch(f"/api/v1/cases/{number}", json={"status": "accepted", "note": f"已联系{phone}"}),
        client.get(f"/api/v1/cases/{number}/history"),
    ]
    assert all(r.status_code == 200 for r in responses)
    leaks = [any(s in r.text for s in secrets) for r in responses]
    assert leaks == [False] * len(responses)
    fields = responses[1].json()["fields"]
    assert fields["person_name"] == "欧阳**" and fields["phone"] == _masked_phone(phone)
    assert fields["id_number"] == id_number[:6] + "********" + id_number[-4:]
    assert fields["address"] == "幸福里小区3号楼2单元5**"
    assert "****" in fields["situation"]

    dump = _dump_sqlite(server.db_path)
    assert number in dump  # the case is really there to be inspected
    in_clear = [s in dump for s in secrets]
    assert in_clear == [False] * len(secrets), "personal data stored in clear"
    raw_bytes = b"".join(p.read_bytes() for p in server.db_path.parent.glob("backoffice.db*"))
    assert number.encode() in raw_bytes
    assert [s.encode() in raw_bytes for s in secrets] == [False] * len(secrets)
    log_leaks = [s in server.log_text() for s in secrets]
    assert log_leaks == [False] * len(secrets), "personal data in the service log"


def _dump_sqlite(path) -> str:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return "\n".join(repr(row) for t in tables for row in conn.execute(f'SELECT * FROM "{t}"'))
    finally:
        conn.close()


def test_patch_records_history_and_notifies(client, staff, make_case, notify_sink):
    body = make_case(channel="wechat")
    number = client.post("/api/v1/cases", json=body).json()["case_number"]
    for status, note in [("accepted", "已派单"), ("in_progress", None), ("done", "已修好")]:
        patched = staff.patch(f"/api/v1/cases/{number.lower()}", json={"status": status, "note": note})
        assert patched.status_code == 200 and patched.json()["status"] == status
    assert client.get(f"/api/v1/cases/{number}").json()["status"] == "done"

    history = client.get(f"/api/v1/cases/{number}/history").json()
    assert [(h["status"], h["note"], h["actor"]) for h in history] == [
        ("received", None, "assistant"), ("accepted", "已派单", "staff"),
        ("in_progress", None, "staff"), ("done", "已修好", "staff")]

    delivered = notify_sink.wait_for(number, "done")
    assert delivered["path"] == "/notify" and delivered["content_type"] == "application/json"
    assert delivered["json"] == {"case_number": number, "service": "property_repair", "status": "done",
                                 "note": "已修好", "channel": "wechat",
                                 "conversation_id": body["conversation_id"]}


def test_unreachable_notify_url_never_fails_the_patch(server_factory, make_case):
    with socket.socket() as sock:  # a port that nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    running = server_factory({"BACKOFFICE_NOTIFY_URL": f"http://127.0.0.1:{dead_port}/notify",
                              "BACKOFFICE_NOTIFY_TIMEOUT": "0.5"})
    auth = {"Authorization": "Bearer test-assistant-token"}
    with httpx.Client(base_url=running.base_url, timeout=10.0) as http:
        number = http.post("/api/v1/cases", json=make_case(), headers=auth).json()["case_number"]
        patched = http.patch(f"/api/v1/cases/{number}", json={"status": "rejected", "note": "重复报修"},
                             headers={"Authorization": "Bearer test-staff-token"})
        assert patched.status_code == 200 and patched.json()["status"] == "rejected"
        deadline = time.monotonic() + 30
        while f"notification for {number} failed" not in running.log_text():
            assert time.monotonic() < deadline, "the failed notification was not logged"
            time.sleep(0.05)
        assert http.get(f"/api/v1/cases/{number}", headers=auth).json()["status"] == "rejected"


def test_service_rules_force_priority_and_caseworker(client, make_case, make_phone):
    emergency = client.post("/api/v1/cases", json=make_case(
        service="emergency_help", priority="normal",
        fields={"emergency_type": "fall", "address": "5号楼1单元301"})).json()
    assert emergency["priority"] == "urgent"
    relief = client.post("/api/v1/cases", json=make_case(
        service="subsistence_allowance", fields={"person_name": "张秀英", "phone": make_phone()})).json()
    assert relief["needs_caseworker"] is True and relief["fields"]["person_name"] == "张**"
    explicit = client.post("/api/v1/cases", json=make_case(priority="urgent", needs_caseworker=True)).json()
    assert (explicit["priority"], explicit["needs_caseworker"]) == ("urgent", True)


def test_list_valued_fields_are_accepted_masked_and_found_by_first_phone(client, make_case, make_phone):
    phones = [make_phone(), make_phone()]
    created = client.post("/api/v1/cases", json=make_case(fields={"phone": phones, "grade": 3.0}))
    assert created.status_code == 201
    assert created.json()["fields"] == {"phone": [p[:3] + "****" + p[-4:] for p in phones], "grade": 3.0}
    found = client.get("/api/v1/cases", params={"phone": phones[0]}).json()
    assert [c["case_number"] for c in found] == [created.json()["case_number"]]


def test_case_numbers_are_sequential_within_the_day(client, make_case):
    numbers = [client.post("/api/v1/cases", json=make_case()).json()["case_number"] for _ in range(3)]
    days = {n[2:10] for n in numbers}
    sequence = [int(n.split("-")[1]) for n in numbers]
    assert len(days) == 1 and sequence == [sequence[0], sequence[0] + 1, sequence[0] + 2]


def test_patch_unknown_case_is_404(staff):
    response = staff.patch(f"/api/v1/cases/SQ20000101-{uuid.uuid4().int % 10**6:06d}",
                           json={"status": "done"})
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_amendments_merge_fields_keep_the_status_and_are_in_the_history(client, make_case, make_phone):
    phone, later = make_phone(), make_phone()
    case = client.post("/api/v1/cases", json=make_case(
        service="emergency_help", fields={"emergency_type": "fall"})).json()
    number = case["case_number"]
    amended = client.post(f"/api/v1/cases/{number}/amendments", json={
        "fields": {"address": "幸福小区8号楼1单元402", "building": "8", "unit": "1", "room": "402",
                   "phone": phone}})
    assert amended.status_code == 200
    body = amended.json()
    assert body["status"] == case["status"] and body["priority"] == "urgent"
    assert body["fields"]["emergency_type"] == "fall" and body["fields"]["building"] == "8"
    assert body["fields"]["phone"] == _masked_phone(phone)  # masked like every other read
    # The case is found by the phone added afterwards, and a correction replaces it.
    assert [c["case_number"] for c in client.get("/api/v1/cases", params={"phone": phone}).json()] == [number]
    client.post(f"/api/v1/cases/{number}/amendments", json={"fields": {"phone": later}, "note": "居民更正"})
    assert client.get("/api/v1/cases", params={"phone": phone}).json() == []
    history = client.get(f"/api/v1/cases/{number}/history").json()
    assert [h["status"] for h in history] == ["received"] * 3
    assert "phone" in history[-1]["note"] and later not in str(history)
    note_only = client.post(f"/api/v1/cases/{number}/amendments", json={"fields": {}, "note": "老人已送医"})
    assert note_only.status_code == 200
    assert client.get(f"/api/v1/cases/{number}/history").json()[-1]["note"] == "老人已送医"


def test_amending_an_unknown_case_is_404(client):
    response = client.post("/api/v1/cases/SQ20991231-999999/amendments", json={"fields": {"phone": "13800000000"}})
    assert response.status_code == 404
