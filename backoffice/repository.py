"""Storage of cases, their status history and the activity catalogue.

Returns plain records with decrypted fields; masking happens at the API edge.
Write transactions start with a write (the counter upsert, an UPDATE) so that
SQLite takes its write lock at once and waits on the busy timeout instead of
failing a read-to-write upgrade.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Tuple

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from backoffice import db
from backoffice.clock import local_today, utc_now
from backoffice.crypto import FieldCipher

logger = logging.getLogger(__name__)

INITIAL_STATUS = "received"


@dataclass(frozen=True)
class NewCase:
    service: str
    fields: Dict[str, Any]
    channel: str
    conversation_id: str
    idempotency_key: str
    priority: str
    needs_caseworker: bool
    actor: str = "assistant"


@dataclass(frozen=True)
class CaseRecord:
    case_number: str
    service: str
    status: str
    priority: str
    needs_caseworker: bool
    channel: str
    conversation_id: str
    fields: Dict[str, Any]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    note: Optional[str]
    actor: str
    at: datetime


@dataclass(frozen=True)
class SeatRequest:
    activity_id: str
    participants: int


class ActivityUnavailable(Exception):
    """A sign-up names an unknown activity (``unknown``) or one without enough places."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CaseRepository:
    def __init__(
        self, engine: Engine, cipher: FieldCipher, now: Callable[[], datetime] = utc_now
    ) -> None:
        self._engine = engine
        self._cipher = cipher
        self._now = now

    # -- cases -------------------------------------------------------------
    def create_case(
        self, new: NewCase, seats: Optional[SeatRequest] = None
    ) -> Tuple[CaseRecord, bool]:
        """The case for ``new.idempotency_key`` and whether this call created it."""
        existing = self._by_idempotency_key(new.idempotency_key)
        if existing is not None:
            return existing, False
        try:
            with self._engine.begin() as conn:
                return self._insert_case(conn, new, seats), True
        except IntegrityError:
            # A concurrent request with the same key won the race; its case is ours.
            existing = self._by_idempotency_key(new.idempotency_key)
            if existing is None:
                raise
            logger.info("concurrent create for case %s resolved by its idempotency key",
                        existing.case_number)
            return existing, False

    def _insert_case(
        self, conn: Connection, new: NewCase, seats: Optional[SeatRequest]
    ) -> CaseRecord:
        now = self._now()
        case_number = _next_case_number(conn, local_today(now).strftime("%Y%m%d"))
        if seats is not None:
            _reserve_seats(conn, seats)
        values = {
            "case_number": case_number,
            "service": new.service,
            "status": INITIAL_STATUS,
            "priority": new.priority,
            "needs_caseworker": new.needs_caseworker,
            "channel": new.channel,
            "conversation_id": new.conversation_id,
            "idempotency_key": new.idempotency_key,
            "fields_encrypted": self._cipher.encrypt_json(new.fields),
            "phone_hash": self._cipher.phone_hash(_first(new.fields.get("phone"))),
            "created_at": now,
            "updated_at": now,
        }
        case_id = conn.execute(insert(db.cases).values(**values)).inserted_primary_key[0]
        conn.execute(
            insert(db.case_status_history).values(
                case_id=case_id, status=INITIAL_STATUS, note_encrypted=None, actor=new.actor, at=now
            )
        )
        return self._record(values)

    def get_case(self, case_number: str) -> Optional[CaseRecord]:
        with self._engine.connect() as conn:
            row = conn.execute(select(db.cases).where(db.cases.c.case_number == case_number)).first()
        return self._record(row._mapping) if row else None

    def find_cases(
        self, phone: Optional[str] = None, conversation_id: Optional[str] = None, limit: int = 50
    ) -> List[CaseRecord]:
        """Cases matching every given filter, newest first."""
        query = select(db.cases).order_by(db.cases.c.created_at.desc(), db.cases.c.id.desc())
        if phone is not None:
            query = query.where(db.cases.c.phone_hash == self._cipher.phone_hash(phone))
        if conversation_id is not None:
            query = query.where(db.cases.c.conversation_id == conversation_id)
        with self._engine.connect() as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [self._record(row._mapping) for row in rows]

    def update_status(
        self, case_number: str, status: str, note: Optional[str], actor: str
    ) -> Optional[CaseRecord]:
        now = self._now()
        with self._engine.begin() as conn:
            result = conn.execute(
                update(db.cases)
                .where(db.cases.c.case_number == case_number)
                .values(status=status, updated_at=now)
            )
            if result.rowcount == 0:
                return None
            row = conn.execute(select(db.cases).where(db.cases.c.case_number == case_number)).one()
            conn.execute(
                insert(db.case_status_history).values(
                    case_id=row.id,
                    status=status,
                    note_encrypted=self._cipher.encrypt_text(note),
                    actor=actor,
                    at=now,
                )
            )
        return self._record(row._mapping)

    def amend_fields(
        self, case_number: str, changes: Dict[str, Any], note: Optional[str], actor: str
    ) -> Optional[CaseRecord]:
        """Merge ``changes`` into the case's fields; the history records what was amended."""
        now = self._now()
        with self._engine.begin() as conn:
            row = conn.execute(select(db.cases).where(db.cases.c.case_number == case_number)).first()
            if row is None:
                return None
            fields = self._cipher.decrypt_json(row._mapping["fields_encrypted"])
            for name, value in changes.items():
                if value is None:
                    fields.pop(name, None)
                else:
                    fields[name] = value
            conn.execute(
                update(db.cases).where(db.cases.c.id == row.id).values(
                    fields_encrypted=self._cipher.encrypt_json(fields),
                    phone_hash=self._cipher.phone_hash(_first(fields.get("phone"))),
                    updated_at=now)
            )
            said = ("补充/更正：" + "、".join(sorted(changes)) + (f"（{note}）" if note else "")) if changes \
                else (note or "补充说明")
            conn.execute(
                insert(db.case_status_history).values(
                    case_id=row.id, status=row.status, note_encrypted=self._cipher.encrypt_text(said),
                    actor=actor, at=now)
            )
            row = conn.execute(select(db.cases).where(db.cases.c.id == row.id)).one()
        return self._record(row._mapping)

    def history(self, case_number: str) -> Optional[List[HistoryEntry]]:
        """The status history, oldest first, or None for an unknown case."""
        h = db.case_status_history
        with self._engine.connect() as conn:
            case_id = conn.execute(
                select(db.cases.c.id).where(db.cases.c.case_number == case_number)
            ).scalar()
            if case_id is None:
                return None
            rows = conn.execute(select(h).where(h.c.case_id == case_id).order_by(h.c.at, h.c.id))
            return [
                HistoryEntry(r.status, self._cipher.decrypt_text(r.note_encrypted), r.actor, r.at)
                for r in rows
            ]

    # -- activities --------------------------------------------------------
    def list_activities(self) -> List[Dict[str, Any]]:
        a = db.activities
        with self._engine.connect() as conn:
            rows = conn.execute(select(a).order_by(a.c.starts_at, a.c.activity_id))
            return [dict(row._mapping) for row in rows]

    # -- helpers -----------------------------------------------------------
    def _by_idempotency_key(self, key: str) -> Optional[CaseRecord]:
        with self._engine.connect() as conn:
            row = conn.execute(select(db.cases).where(db.cases.c.idempotency_key == key)).first()
        return self._record(row._mapping) if row else None

    def _record(self, row: Any) -> CaseRecord:
        return CaseRecord(
            case_number=row["case_number"],
            service=row["service"],
            status=row["status"],
            priority=row["priority"],
            needs_caseworker=bool(row["needs_caseworker"]),
            channel=row["channel"],
            conversation_id=row["conversation_id"],
            fields=self._cipher.decrypt_json(row["fields_encrypted"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


def _first(value: Any) -> Any:
    """The first of a list-valued field (a slot filled twice), else the value."""
    return value[0] if isinstance(value, list) and value else value


def _next_case_number(conn: Connection, day: str) -> str:
    """SQ<yyyymmdd>-<6-digit daily sequence>; the upsert locks the day's counter row."""
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert_fn = sqlite.insert if dialect == "sqlite" else postgresql.insert
        stmt = insert_fn(db.case_counters).values(day=day, last_value=1)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[db.case_counters.c.day],
                set_={"last_value": db.case_counters.c.last_value + 1},
            )
        )
    else:
        counter = db.case_counters
        bumped = conn.execute(
            update(counter).where(counter.c.day == day).values(last_value=counter.c.last_value + 1)
        )
        if bumped.rowcount == 0:
            conn.execute(insert(counter).values(day=day, last_value=1))
    value = conn.execute(
        select(db.case_counters.c.last_value).where(db.case_counters.c.day == day)
    ).scalar_one()
    return f"SQ{day}-{value:06d}"


def _reserve_seats(conn: Connection, seats: SeatRequest) -> None:
    a = db.activities
    taken = conn.execute(
        update(a)
        .where(a.c.activity_id == seats.activity_id, a.c.remaining >= seats.participants)
        .values(remaining=a.c.remaining - seats.participants)
    )
    if taken.rowcount == 1:
        return
    exists = conn.execute(select(a.c.activity_id).where(a.c.activity_id == seats.activity_id)).first()
    raise ActivityUnavailable("full" if exists else "unknown")
