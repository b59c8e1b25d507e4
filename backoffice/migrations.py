"""A tiny migrations mechanism: ordered functions and a ``schema_version`` table.

Each migration runs in its own transaction whose first statement records its
version, so two processes starting at once apply it only once (the second
waits on the lock, then hits the primary key and skips).
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable, List, Tuple

from sqlalchemy import Column, insert, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from backoffice import db
from backoffice.catalogue import seed_activities
from backoffice.clock import local_today, utc_now
from backoffice.routing import SEED_DEPARTMENTS, SEED_RULES

logger = logging.getLogger(__name__)

Migration = Callable[[Connection, datetime], None]


def _create_core_tables(conn: Connection, _now: datetime) -> None:
    tables = [db.cases, db.case_status_history, db.case_counters, db.activities]
    db.metadata.create_all(conn, tables=tables)


def _seed_activity_catalogue(conn: Connection, now: datetime) -> None:
    conn.execute(insert(db.activities), seed_activities(local_today(now)))


# Columns migration 3 adds to tables that exist already (a fresh database gets
# them from migration 1, which creates the tables as they are defined now).
_NEW_COLUMNS = {
    "cases": ("department_id", "first_action_at", "closed_at"),
    "case_status_history": ("kind", "department_id"),
}


def _add_columns(conn: Connection, table_name: str, names: Tuple[str, ...]) -> None:
    present = {c["name"] for c in inspect(conn).get_columns(table_name)}
    table = db.metadata.tables[table_name]
    for name in names:
        if name in present:
            continue
        column: Column = table.c[name]
        column_type = column.type.compile(dialect=conn.dialect)
        conn.exec_driver_sql(f'ALTER TABLE {table_name} ADD COLUMN {name} {column_type}')


def _departments_and_routing(conn: Connection, now: datetime) -> None:
    for table_name, names in _NEW_COLUMNS.items():
        _add_columns(conn, table_name, names)
    for index in db.cases.indexes:
        if "department_id" in index.columns:
            index.create(conn, checkfirst=True)
    db.metadata.create_all(conn, tables=[db.departments, db.routing_rules, db.department_tokens,
                                         db.case_notes, db.audit_log, db.callbacks])
    conn.execute(insert(db.departments), [
        {"department_id": d, "name": name, "kind": kind, "active": True, "created_at": now}
        for d, name, kind in SEED_DEPARTMENTS])
    conn.execute(insert(db.routing_rules), [
        {"service": service, "category": category, "department_id": department}
        for service, category, department in SEED_RULES])


MIGRATIONS: List[Tuple[int, str, Migration]] = [
    (1, "create cases, history, counters and activities", _create_core_tables),
    (2, "seed the activity catalogue", _seed_activity_catalogue),
    (3, "departments, routing, notes, audit log and callbacks", _departments_and_routing),
]


def applied_versions(engine: Engine) -> List[int]:
    with engine.connect() as conn:
        rows = conn.execute(select(db.schema_version.c.version).order_by(db.schema_version.c.version))
        return [row.version for row in rows]


def migrate(engine: Engine, now: Callable[[], datetime] = utc_now) -> int:
    """Apply the pending migrations; returns the schema version reached."""
    db.schema_version.create(engine, checkfirst=True)
    done = set(applied_versions(engine))
    for version, name, migration in MIGRATIONS:
        if version in done:
            continue
        try:
            with engine.begin() as conn:
                conn.execute(
                    insert(db.schema_version).values(version=version, name=name, applied_at=now())
                )
                migration(conn, now())
        except IntegrityError:
            if version not in set(applied_versions(engine)):
                raise
            logger.info("migration %d was applied by another process", version)
            continue
        logger.info("applied migration %d: %s", version, name)
    return MIGRATIONS[-1][0]
