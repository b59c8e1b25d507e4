"""The app factory in-process: migrations on restart, in-memory SQLite, last-resort 500."""
import logging
import sqlite3
import uuid

from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from backoffice.app import create_app
from backoffice.settings import Settings

AUTH = {"Authorization": "Bearer a"}


def _settings(url: str, key: str) -> Settings:
    return Settings(database_url=url, token="a", staff_token="b", encryption_key=key)


def _body(phone: str) -> dict:
    return {"service": "residence_permit", "channel": "console", "conversation_id": "c1",
            "idempotency_key": uuid.uuid4().hex,
            "fields": {"person_name": "张秀英", "phone": phone, "appointment_time": "2026-12-02T09:00"}}


def test_restart_keeps_cases_and_does_not_migrate_twice(tmp_path):
    url, key = f"sqlite:///{tmp_path}/nested/dir/bo.db", Fernet.generate_key().decode()
    with TestClient(create_app(_settings(url, key))) as http:
        number = http.post("/api/v1/cases", json=_body("13900000001"), headers=AUTH).json()["case_number"]
        activities = http.get("/api/v1/activities", headers=AUTH).json()
    with TestClient(create_app(_settings(url, key))) as http:
        assert http.get(f"/api/v1/cases/{number}", headers=AUTH).json()["fields"]["phone"] == "139****0001"
        assert http.get("/api/v1/activities", headers=AUTH).json() == activities
        assert http.get("/healthz").json() == {"status": "ok", "schema_version": 3}
    with sqlite3.connect(tmp_path / "nested" / "dir" / "bo.db") as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]
        (journal,) = conn.execute("PRAGMA journal_mode").fetchone()
    assert versions == [1, 2, 3] and journal == "wal"


def test_in_memory_database_works(tmp_path):
    with TestClient(create_app(_settings("sqlite://", Fernet.generate_key().decode()))) as http:
        created = http.post("/api/v1/cases", json=_body("13900000002"), headers=AUTH)
        assert created.status_code == 201
        found = http.get("/api/v1/cases", params={"phone": "13900000002"}, headers=AUTH).json()
        assert [c["case_number"] for c in found] == [created.json()["case_number"]]


def test_unexpected_error_is_a_logged_json_500_without_personal_data(tmp_path, caplog):
    url = f"sqlite:///{tmp_path}/bo.db"
    with TestClient(create_app(_settings(url, Fernet.generate_key().decode()))) as http:
        number = http.post("/api/v1/cases", json=_body("13900000003"), headers=AUTH).json()["case_number"]
    # Restarted with another key, the stored fields cannot be decrypted: a real server fault.
    with TestClient(create_app(_settings(url, Fernet.generate_key().decode()))) as http, \
            caplog.at_level(logging.INFO):
        response = http.get("/api/v1/cases", params={"phone": "13900000003"}, headers=AUTH)
        assert response.json() == []  # the phone hash key changed with the encryption key
        response = http.get(f"/api/v1/cases/{number}", headers=AUTH)
    assert response.status_code == 500
    assert response.json() == {"error": "internal_error", "detail": "internal server error"}
    # Only the service's own records: the test's HTTP client logs the URL it called.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("backoffice"))
    assert "DecryptionError" in logged
    leaked = "13900000003" in logged or "张秀英" in logged
    assert not leaked
