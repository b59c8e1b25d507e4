"""Database engine and table definitions (SQLAlchemy Core, 2.0-style API).

SQLite is the default; PostgreSQL works through the same tables. Personal data
lives only inside ``cases.fields_encrypted`` (Fernet) and ``cases.phone_hash``
(HMAC); staff notes, private case notes and callback numbers are encrypted too.
"""
from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 15

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_number", String(32), nullable=False, unique=True),
    Column("service", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("priority", String(8), nullable=False),
    Column("needs_caseworker", Boolean, nullable=False, default=False),
    Column("channel", String(64), nullable=False),
    Column("conversation_id", String(128), nullable=False, index=True),
    Column("idempotency_key", String(128), nullable=False, unique=True),
    Column("fields_encrypted", Text, nullable=False),
    Column("phone_hash", String(64), nullable=True, index=True),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("updated_at", DateTime, nullable=False),
    # Added by migration 3: routing, and the times the director's figures need.
    Column("department_id", String(32), nullable=True, index=True),
    Column("first_action_at", DateTime, nullable=True),
    Column("closed_at", DateTime, nullable=True),
)

case_status_history = Table(
    "case_status_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("note_encrypted", Text, nullable=True),
    Column("actor", String(32), nullable=False),
    Column("at", DateTime, nullable=False),
    # Added by migration 3: what the entry records (created, status, amended,
    # assigned) and the department the case was with after it.
    Column("kind", String(16), nullable=True),
    Column("department_id", String(32), nullable=True),
)

# One row per local day; the daily sequence of case numbers.
case_counters = Table(
    "case_counters",
    metadata,
    Column("day", String(8), primary_key=True),
    Column("last_value", Integer, nullable=False),
)

activities = Table(
    "activities",
    metadata,
    Column("activity_id", String(32), primary_key=True),
    Column("title", String(100), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("location", String(100), nullable=False, default=""),
    Column("starts_at", DateTime, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("remaining", Integer, nullable=False),
    CheckConstraint("remaining >= 0 AND remaining <= capacity", name="ck_activities_remaining"),
)


departments = Table(
    "departments",
    metadata,
    Column("department_id", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("kind", String(32), nullable=False, default="other"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
)

# Which department gets a new case: the most specific row for its service and
# category wins (service + category, then service, then the default row "*").
routing_rules = Table(
    "routing_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("service", String(64), nullable=False),
    Column("category", String(64), nullable=True),
    Column("department_id", String(32), ForeignKey("departments.department_id"), nullable=False),
)

# A department's own API tokens; only their SHA-256 is kept.
department_tokens = Table(
    "department_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("department_id", String(32), ForeignKey("departments.department_id"), nullable=False,
           index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(64), nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
)

# Private notes of staff on a case: never sent to the resident.
case_notes = Table(
    "case_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("note_encrypted", Text, nullable=False),
    Column("author", String(64), nullable=False),
    Column("department_id", String(32), nullable=True),
    Column("at", DateTime, nullable=False),
)

# Every change, who made it and from which account; details hold no personal data.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("actor", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("department_id", String(32), nullable=True),
    Column("action", String(32), nullable=False),
    Column("case_number", String(32), nullable=True, index=True),
    Column("detail", String(200), nullable=False, default=""),
)

# Phone calls a department owes a resident (a caller staff could not answer in
# writing, a status change a phone caller cannot be sent).
callbacks = Table(
    "callbacks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("department_id", String(32), nullable=True, index=True),
    Column("case_number", String(32), nullable=True),
    Column("service", String(64), nullable=True),
    Column("channel", String(64), nullable=False),
    Column("conversation_id", String(128), nullable=False),
    # why the call is owed: "takeover" (asked for during a takeover) or
    # "status:<status>" (a status change to tell a phone caller)
    Column("reason", String(32), nullable=False),
    Column("phone_encrypted", Text, nullable=True),
    Column("note_encrypted", Text, nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("closed_at", DateTime, nullable=True),
    Column("closed_by", String(64), nullable=True),
    Column("result_encrypted", Text, nullable=True),
)


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, future=True, pool_pre_ping=True)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or "mode=memory" in database
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    kwargs = {"connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}}
    if in_memory:
        kwargs["poolclass"] = StaticPool  # one shared connection, or each sees an empty DB
    engine = create_engine(url, future=True, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect(wal=not in_memory))
    return engine


def _sqlite_on_connect(wal: bool):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    return on_connect
