"""A database of the previous schema (version 2) is upgraded in place on start."""
import sqlite3
import uuid

from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from backoffice.app import create_app
from backoffice.settings import Settings

ASSISTANT = {"Authorization": "Bearer a"}
STAFF = {"Authorization": "Bearer b", "X-Actor": "wang"}
NEW_TABLES = ("departments", "routing_rules", "department_tokens", "case_notes", "audit_log", "callbacks")


def _settings(url: str, key: str) -> Settings:
    return Settings(database_url=url, token="a", staff_token="b", encryption_key=key)


def _repair() -> dict:
    return {"service": "property_repair", "channel": "rest", "conversation_id": "c1",
            "idempotency_key": uuid.uuid4().hex,
            "fields": {"address": "3号楼", "repair_category": "water", "description": "漏水",
                       "phone": "13900000009"}}


def _back_to_version_2(path) -> None:
    """What a database written by the previous release looks like."""
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX ix_cases_department_id")
        for column in ("department_id", "first_action_at", "closed_at"):
            conn.execute(f"ALTER TABLE cases DROP COLUMN {column}")
        for column in ("kind", "department_id"):
            conn.execute(f"ALTER TABLE case_status_history DROP COLUMN {column}")
        for table in NEW_TABLES:
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM schema_version WHERE version = 3")


def test_a_version_2_database_gets_departments_and_keeps_its_cases(tmp_path):
    url, key = f"sqlite:///{tmp_path}/bo.db", Fernet.generate_key().decode()
    with TestClient(create_app(_settings(url, key))) as http:
        old = http.post("/api/v1/cases", json=_repair(), headers=ASSISTANT).json()["case_number"]
    _back_to_version_2(tmp_path / "bo.db")
    with TestClient(create_app(_settings(url, key))) as http:
        assert http.get("/healthz").json()["schema_version"] == 3
        kept = http.get(f"/api/v1/cases/{old}", headers=STAFF).json()
        assert kept["department"] is None and kept["fields"]["description"] == "漏水"
        assert [h["kind"] for h in http.get(f"/api/v1/cases/{old}/history", headers=STAFF).json()] == ["status"]
        new = http.post("/api/v1/cases", json=_repair(), headers=ASSISTANT).json()
        assert new["department"] == "property"
        assigned = http.post(f"/api/v1/cases/{old}/assignment", json={"department": "property"},
                             headers=STAFF)
        assert assigned.status_code == 200 and assigned.json()["department_name"] == "物业公司"
    with sqlite3.connect(tmp_path / "bo.db") as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == [1, 2, 3]
