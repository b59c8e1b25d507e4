"""The audit log: every change to a case, a department, the routing table or a callback,
and every reveal of an unmasked value, with the account that made it.

Written inside the transaction of the change itself, so a change and its entry are
committed together or not at all. Details name fields and statuses, never values.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from backoffice import db
from backoffice.principal import Principal


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    role: str
    department_id: Optional[str]
    action: str
    case_number: Optional[str]
    detail: str


def record(conn: Connection, who: Principal, action: str, at: datetime,
           case_number: Optional[str] = None, detail: str = "") -> None:
    conn.execute(insert(db.audit_log).values(
        at=at, actor=who.actor, role=who.role, department_id=who.department_id, action=action,
        case_number=case_number, detail=detail[:200]))


def recent(engine: Engine, case_number: Optional[str] = None, action: Optional[str] = None,
           limit: int = 100) -> List[AuditEntry]:
    """Newest first, optionally for one case or one kind of action."""
    a = db.audit_log
    query = select(a).order_by(a.c.id.desc()).limit(limit)
    if case_number:
        query = query.where(a.c.case_number == case_number)
    if action:
        query = query.where(a.c.action == action)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [_entry(row._mapping) for row in rows]


def _entry(row: Dict[str, Any]) -> AuditEntry:
    return AuditEntry(row["at"], row["actor"], row["role"], row["department_id"], row["action"],
                      row["case_number"], row["detail"])
