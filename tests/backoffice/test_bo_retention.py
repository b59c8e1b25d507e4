"""Retention: closed cases older than an age are anonymised or purged by
`python -m backoffice.retention`, on SQLite and (when BACKOFFICE_TEST_PG_URL is
set) on PostgreSQL. Assertions about personal data compare booleans only."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from typing import Dict, Iterator

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import make_url

from backoffice import db
from backoffice.clock import utc_now
from backoffice.crypto import FieldCipher

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PG_URL = os.environ.get("BACKOFFICE_TEST_PG_URL")
ASSISTANT = {"Authorization": "Bearer test-assistant-token"}
STAFF = {"Authorization": "Bearer test-staff-token"}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'retention.db'}"
        return
    if not PG_URL:
        pytest.skip("BACKOFFICE_TEST_PG_URL not set")
    schema = f"bo_ret_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def env(database_url) -> Dict[str, str]:
    return {"DATABASE_URL": database_url, "BACKOFFICE_ENCRYPTION_KEY": Fernet.generate_key().decode()}


@pytest.fixture
def api(server_factory, env) -> Iterator[httpx.Client]:
    server = server_factory(env)
    with httpx.Client(base_url=server.base_url, headers=ASSISTANT, timeout=10.0) as http:
        yield http


def retention(env: Dict[str, str], *args: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "BACKOFFICE_TOKEN": "test-assistant-token",
                "BACKOFFICE_STAFF_TOKEN": "test-staff-token", "PYTHONPATH": REPO_ROOT, **env}
    return subprocess.run([sys.executable, "-m", "backoffice.retention", *args], env=full_env,
                          capture_output=True, text=True, timeout=60)


def file_case(api: httpx.Client, body: dict, status: str | None) -> str:
    created = api.post("/api/v1/cases", json=body)
    assert created.status_code == 201
    number = created.json()["case_number"]
    if status:
        patched = api.patch(f"/api/v1/cases/{number}", json={"status": status, "note": "已联系居民"},
                            headers=STAFF)
        assert patched.status_code == 200
    return number


def age_cases(database_url: str, numbers: list[str], days: int) -> None:
    engine = create_engine(database_url, future=True)
    with engine.begin() as conn:
        conn.execute(update(db.cases).where(db.cases.c.case_number.in_(numbers))
                     .values(updated_at=utc_now() - timedelta(days=days)))
    engine.dispose()


def stored(database_url: str, key: str, number: str):
    engine = create_engine(database_url, future=True)
    with engine.connect() as conn:
        row = conn.execute(select(db.cases).where(db.cases.c.case_number == number)).first()
        history = 0
        if row is not None:
            history = len(conn.execute(select(db.case_status_history)
                                       .where(db.case_status_history.c.case_id == row.id)).all())
    engine.dispose()
    if row is None:
        return None, None, history
    return row, FieldCipher(key).decrypt_json(row.fields_encrypted), history


def test_closed_old_cases_are_anonymised_then_purged(api, env, make_case, make_phone, make_id_number):
    url, key = env["DATABASE_URL"], env["BACKOFFICE_ENCRYPTION_KEY"]
    phone, id_number = make_phone(), make_id_number()
    personal = make_case("social_security_certification", fields={
        "person_name": "张秀英", "id_number": id_number, "phone": phone, "cert_method": "window",
        "appointment_time": "2026-12-02T09:00"})
    old_done = file_case(api, personal, "done")
    old_rejected = file_case(api, make_case(), "rejected")
    old_open = file_case(api, make_case(), "in_progress")
    recent_done = file_case(api, make_case(), "done")
    age_cases(url, [old_done, old_rejected, old_open], days=400)

    dry = retention(env, "--older-than-days", "365", "--dry-run")
    assert dry.returncode == 0 and "would be anonymised: 2 " in dry.stdout
    assert stored(url, key, old_done)[1]["id_number"] == id_number  # nothing changed yet

    run = retention(env, "--older-than-days", "365", "--anonymise")
    assert run.returncode == 0, run.stderr[-2000:]
    assert "anonymised: 2 " in run.stdout
    assert (phone in run.stdout + run.stderr) is False

    row, fields, _ = stored(url, key, old_done)
    assert fields == {"cert_method": "window"}
    assert row.phone_hash is None and row.conversation_id == "anonymised"
    case = api.get(f"/api/v1/cases/{old_done}").json()
    assert case["status"] == "done" and case["fields"] == {"cert_method": "window"}
    assert api.get("/api/v1/cases", params={"phone": phone}).json() == []
    history = api.get(f"/api/v1/cases/{old_done}/history").json()
    assert history[-1]["actor"] == "retention" and all(h["note"] is None for h in history)
    # Open and recently closed cases keep everything.
    assert "phone" in stored(url, key, old_open)[1] and "phone" in stored(url, key, recent_done)[1]

    # A very late retry of the same submission still finds its case: never a second one.
    again = api.post("/api/v1/cases", json=personal)
    assert again.status_code == 200 and again.json()["case_number"] == old_done
    assert "anonymised: 0 " in retention(env, "--older-than-days", "365").stdout

    purge = retention(env, "--older-than-days", "365", "--purge")
    assert purge.returncode == 0 and "purged: 2 " in purge.stdout
    assert stored(url, key, old_done) == (None, None, 0)
    assert api.get(f"/api/v1/cases/{old_rejected}").status_code == 404
    assert api.get(f"/api/v1/cases/{old_open}").status_code == 200
    assert api.get(f"/api/v1/cases/{recent_done}").status_code == 200


def test_a_case_reopened_is_kept(api, env, make_case):
    url = env["DATABASE_URL"]
    number = file_case(api, make_case(), "done")
    age_cases(url, [number], days=40)
    reopened = api.patch(f"/api/v1/cases/{number}", json={"status": "in_progress"}, headers=STAFF)
    assert reopened.status_code == 200
    run = retention(env, "--older-than-days", "30", "--purge")
    assert run.returncode == 0 and "purged: 0 " in run.stdout
    assert api.get(f"/api/v1/cases/{number}").status_code == 200


@pytest.mark.parametrize("args", [["--older-than-days", "0"], ["--anonymise", "--purge"],
                                  ["--older-than-days", "abc"]])
def test_bad_arguments_are_refused(tmp_path, args):
    run = retention({"DATABASE_URL": f"sqlite:///{tmp_path / 'bo.db'}"}, *args)
    assert run.returncode == 2
    assert run.stderr.strip()


def test_retention_takes_private_notes_and_callback_numbers_with_it(api, env, make_case, make_phone):
    url = env["DATABASE_URL"]
    phone = make_phone()
    body = make_case(channel="voice", conversation_id=f"voice:{uuid.uuid4().hex}",
                     fields={"address": "3号楼", "repair_category": "water", "description": "漏水",
                             "phone": phone})
    number = file_case(api, body, None)
    assert api.post(f"/api/v1/cases/{number}/notes", json={"text": f"居民说打{phone}"},
                    headers=STAFF).status_code == 201
    assert api.patch(f"/api/v1/cases/{number}", json={"status": "done"}, headers=STAFF).status_code == 200
    age_cases(url, [number], days=400)
    assert retention(env, "--older-than-days", "365").returncode == 0
    engine = create_engine(url, future=True)
    with engine.connect() as conn:
        notes = conn.execute(select(db.case_notes)).all()
        callbacks = conn.execute(select(db.callbacks).where(db.callbacks.c.case_number == number)).all()
    engine.dispose()
    assert notes == []
    assert [(c.phone_encrypted, c.note_encrypted, c.conversation_id) for c in callbacks] == [
        (None, None, "anonymised")]
    assert retention(env, "--older-than-days", "365", "--purge").returncode == 0
    engine = create_engine(url, future=True)
    with engine.connect() as conn:
        assert conn.execute(select(db.callbacks).where(db.callbacks.c.case_number == number)).all() == []
    engine.dispose()
