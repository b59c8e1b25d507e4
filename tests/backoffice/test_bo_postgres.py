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
