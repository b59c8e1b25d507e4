"""Private staff notes on a case, and callback tasks in a department's queue.

Notes are for staff only: never in the resident's notifications, never readable
with the assistant's token. A callback is a phone call a department owes a
resident: a phone caller staff could not answer in writing, or a status change
that cannot be pushed to a phone caller. Both are encrypted at rest and every
change is in the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, List, Optional

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from backoffice import audit, db
from backoffice.clock import utc_now
from backoffice.crypto import FieldCipher
from backoffice.organisation import read_rules
from backoffice.principal import Principal
from backoffice.repository import CaseNotFound
from backoffice.routing import route

OPEN, DONE, CANCELLED = "open", "done", "cancelled"


@dataclass(frozen=True)
class Note:
    text: str
    author: str
    department_id: Optional[str]
    at: datetime


@dataclass(frozen=True)
class Callback:
    callback_id: int
    department_id: Optional[str]
    case_number: Optional[str]
    service: Optional[str]
    channel: str
    conversation_id: str
    reason: str
    phone: Optional[str]
    note: Optional[str]
    status: str
    created_by: str
    created_at: datetime
    closed_at: Optional[datetime]
    closed_by: Optional[str]
    result: Optional[str]


@dataclass(frozen=True)
class NewCallback:
    channel: str
    conversation_id: str
    reason: str
    phone: Optional[str]
    note: Optional[str]
    case_number: Optional[str] = None
    service: Optional[str] = None
    department_id: Optional[str] = None


class NoteStore:
    def __init__(self, engine: Engine, cipher: FieldCipher,
                 now: Callable[[], datetime] = utc_now) -> None:
        self._engine = engine
        self._cipher = cipher
        self._now = now

    def add(self, who: Principal, case_number: str, text: str) -> Note:
        now = self._now()
        c = db.cases
        with self._engine.begin() as conn:
            audit.record(conn, who, "note_added", now, case_number)  # the write first
            row = conn.execute(select(c.c.id, c.c.department_id)
                               .where(c.c.case_number == case_number)).first()
            if row is None or not who.sees(row.department_id):
                raise CaseNotFound(case_number)
            conn.execute(insert(db.case_notes).values(
                case_id=row.id, note_encrypted=self._cipher.encrypt_text(text), author=who.actor,
                department_id=who.department_id, at=now))
            conn.execute(update(c).where(c.c.id == row.id, c.c.first_action_at.is_(None))
                         .values(first_action_at=now))
        return Note(text, who.actor, who.department_id, now)

    def of_case(self, case_number: str) -> List[Note]:
        n, c = db.case_notes, db.cases
        query = (select(n).join(c, c.c.id == n.c.case_id).where(c.c.case_number == case_number)
                 .order_by(n.c.at, n.c.id))
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Note(self._cipher.decrypt_text(r.note_encrypted) or "", r.author, r.department_id, r.at)
                for r in rows]


class CallbackStore:
    def __init__(self, engine: Engine, cipher: FieldCipher,
                 now: Callable[[], datetime] = utc_now) -> None:
        self._engine = engine
        self._cipher = cipher
        self._now = now

    def create(self, who: Principal, new: NewCallback) -> Callback:
        """Queue a callback with the case's department, else the routing table's for the service."""
        now = self._now()
        with self._engine.begin() as conn:
            values = self._values(new, who, now)
            values["department_id"] = new.department_id or self._department(conn, new)
            callback_id = conn.execute(insert(db.callbacks).values(**values)).inserted_primary_key[0]
            audit.record(conn, who, "callback_created", now, new.case_number,
                         f"#{callback_id} -> {values['department_id'] or 'unassigned'}")
            row = conn.execute(select(db.callbacks).where(db.callbacks.c.id == callback_id)).one()
        return self._callback(row)

    def _values(self, new: NewCallback, who: Principal, now: datetime) -> dict:
        return {"case_number": new.case_number, "service": new.service, "channel": new.channel,
                "conversation_id": new.conversation_id, "reason": new.reason,
                "phone_encrypted": self._cipher.encrypt_text(new.phone),
                "note_encrypted": self._cipher.encrypt_text(new.note), "status": OPEN,
                "created_by": who.actor, "created_at": now}

    @staticmethod
    def _department(conn: Any, new: NewCallback) -> Optional[str]:
        if new.case_number:
            found = conn.execute(select(db.cases.c.department_id)
                                 .where(db.cases.c.case_number == new.case_number)).first()
            if found is not None:
                return found.department_id
        return route(new.service, {}, read_rules(conn)) if new.service else None

    def list(self, visible_to: Optional[str], status: Optional[str], limit: int = 100) -> List[Callback]:
        cb = db.callbacks
        query = select(cb).order_by(cb.c.created_at.desc(), cb.c.id.desc()).limit(limit)
        if visible_to:
            query = query.where(cb.c.department_id == visible_to)
        if status:
            query = query.where(cb.c.status == status)
        with self._engine.connect() as conn:
            return [self._callback(row) for row in conn.execute(query).all()]

    def close(self, who: Principal, callback_id: int, status: str, result: Optional[str]) -> Callback:
        """Mark an open callback done or cancelled; raises LookupError when not visible or closed."""
        now = self._now()
        cb = db.callbacks
        with self._engine.begin() as conn:
            changed = conn.execute(update(cb).where(cb.c.id == callback_id, cb.c.status == OPEN).values(
                status=status, closed_at=now, closed_by=who.actor,
                result_encrypted=self._cipher.encrypt_text(result))).rowcount
            row = conn.execute(select(cb).where(cb.c.id == callback_id)).first()
            if row is None or not who.sees(row.department_id):
                raise LookupError(callback_id)
            if changed == 0:
                raise ValueError("already closed")
            audit.record(conn, who, "callback_closed", now, row.case_number, f"#{callback_id} {status}")
        return self._callback(row)

    def reveal_phone(self, who: Principal, callback_id: int) -> Optional[str]:
        """The number to call, unmasked; raises LookupError when not visible."""
        now = self._now()
        cb = db.callbacks
        with self._engine.begin() as conn:
            audit.record(conn, who, "callback_phone_revealed", now, None, f"#{callback_id}")
            row = conn.execute(select(cb).where(cb.c.id == callback_id)).first()
            if row is None or not who.sees(row.department_id) or row.phone_encrypted is None:
                raise LookupError(callback_id)
        return self._cipher.decrypt_text(row.phone_encrypted)

    def _callback(self, row: Any) -> Callback:
        return Callback(
            row.id, row.department_id, row.case_number, row.service, row.channel,
            row.conversation_id, row.reason, self._cipher.decrypt_text(row.phone_encrypted),
            self._cipher.decrypt_text(row.note_encrypted), row.status, row.created_by,
            row.created_at, row.closed_at, row.closed_by,
            self._cipher.decrypt_text(row.result_encrypted))
