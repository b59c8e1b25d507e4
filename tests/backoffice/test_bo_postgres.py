"""The same service on PostgreSQL; runs only when BACKOFFICE_TEST_PG_URL is set.

Each run works in a schema of its own, dropped afterwards.
"""
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("BACKOFFICE_TEST_PG_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="BACKOFFICE_TEST_PG_URL not set")


@pytest.fixture()
def pg_server(server_factory):
    schema = f"bo_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield server_factory({"DATABASE_URL": url.render_as_string(hide_password=False)})
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_cases_idempotency_and_status_on_postgres(pg_server, make_case, make_phone):
    phone = make_phone()
    body = make_case(fields={"address": "3号楼2单元502", "phone": phone, "repair_category": "gas",
                             "description": "燃气灶打不着火"})
    barrier = threading.Barrier(20)

    def post(_):
        with httpx.Client(base_url=pg_server.base_url, timeout=30.0,
                          headers={"Authorization": "Bearer test-assistant-token"}) as http:
            barrier.wait()
            return http.post("/api/v1/cases", json=body)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(post, range(20)))
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    numbers = {r.json()["case_number"] for r in responses}
    assert len(numbers) == 1
    number = numbers.pop()

    auth = {"Authorization": "Bearer test-assistant-token"}
    with httpx.Client(base_url=pg_server.base_url, headers=auth, timeout=10.0) as http:
        found = http.get("/api/v1/cases", params={"phone": phone}).json()
        assert [c["case_number"] for c in found] == [number]
        assert found[0]["fields"]["phone"] == phone[:3] + "****" + phone[-4:]
        patched = http.patch(f"/api/v1/cases/{number}", json={"status": "accepted"},
                             headers={"Authorization": "Bearer test-staff-token"})
        assert patched.status_code == 200
        history = http.get(f"/api/v1/cases/{number}/history").json()
        assert [h["status"] for h in history] == ["received", "accepted"]
        assert len(http.get("/api/v1/activities").json()) == 5


STAFF = {"Authorization": "Bearer test-staff-token", "X-Actor": "wang"}


def test_casework_on_postgres(pg_server, make_case, make_phone):
    phone = make_phone()
    body = make_case(channel="voice", fields={"address": "3号楼", "repair_category": "water",
                                              "description": "漏水", "phone": phone})
    with httpx.Client(base_url=pg_server.base_url, headers=STAFF, timeout=10.0) as http:
        case = http.post("/api/v1/cases", json=body).json()
        number = case["case_number"]
        assert case["department"] == "property"
        token = http.post("/api/v1/departments/property/tokens", json={"label": "pg"}).json()["token"]
        wuye = {"Authorization": f"Bearer {token}"}
        assert http.patch(f"/api/v1/cases/{number}", json={"status": "in_progress"},
                          headers=wuye).status_code == 200
        assert http.post(f"/api/v1/cases/{number}/notes", json={"text": "已联系"}, headers=wuye).status_code == 201
        assert http.post(f"/api/v1/cases/{number}/assignment",
                         json={"department": "grid", "note": "改派"}).status_code == 200
        assert http.get(f"/api/v1/cases/{number}", headers=wuye).status_code == 404
        listed = http.get("/api/v1/cases", params={"q": phone, "department": "grid",
                                                   "created_from": case["created_at"][:10]})
        assert [c["case_number"] for c in listed.json()] == [number]
        assert listed.headers["X-Total-Count"] == "1"
        assert [c["reason"] for c in http.get("/api/v1/callbacks").json()
                if c["case_number"] == number] == ["status:in_progress"]
        actions = [e["action"] for e in http.get("/api/v1/audit", params={"case_number": number}).json()]
        assert actions == ["case_assigned", "note_added", "callback_created", "status_changed", "case_created"]
        figures = http.get("/api/v1/stats").json()
        assert figures["by_department"]["grid"]["in_progress"] == 1
        assert figures["time_to_first_action"]["grid"]["count"] == 1


def test_a_version_2_schema_on_postgres_is_upgraded(server_factory, make_case):
    schema = f"bo_up_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    env = {"DATABASE_URL": url.render_as_string(hide_password=False),
           "BACKOFFICE_ENCRYPTION_KEY": "x" * 43 + "="}
    try:
        first = server_factory(env)
        with httpx.Client(base_url=first.base_url, headers=STAFF, timeout=10.0) as http:
            number = http.post("/api/v1/cases", json=make_case()).json()["case_number"]
        first.process.terminate()
        first.process.wait(timeout=10)
        with admin.begin() as conn:
            conn.execute(text(f'SET search_path TO "{schema}"'))
            conn.execute(text("DROP TABLE departments, routing_rules, department_tokens, case_notes, "
                              "audit_log, callbacks CASCADE"))
            conn.execute(text("ALTER TABLE cases DROP COLUMN department_id, DROP COLUMN first_action_at, "
                              "DROP COLUMN closed_at"))
            conn.execute(text("ALTER TABLE case_status_history DROP COLUMN kind, DROP COLUMN department_id"))
            conn.execute(text("DELETE FROM schema_version WHERE version = 3"))
        second = server_factory(env)
        with httpx.Client(base_url=second.base_url, headers=STAFF, timeout=10.0) as http:
            assert http.get("/healthz").json()["schema_version"] == 3
            assert http.get(f"/api/v1/cases/{number}").json()["department"] is None
            assert http.post("/api/v1/cases", json=make_case()).json()["department"] == "property"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
