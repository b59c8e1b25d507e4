"""Database engine and table definitions (SQLAlchemy Core, 2.0-style API).

SQLite is the default; PostgreSQL works through the same tables. Personal data
lives only inside ``cases.fields_encrypted`` (Fernet) and ``cases.phone_hash``
(HMAC); staff notes are encrypted too.
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
