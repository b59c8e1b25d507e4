"""Storage of cases, their history, routing on creation and the activity catalogue.

Returns plain records with decrypted fields; masking happens at the API edge.
Write transactions start with a write (the counter upsert, an UPDATE, the audit
entry) so that SQLite takes its write lock at once and waits on the busy timeout
instead of failing a read-to-write upgrade. A refused change raises inside its
transaction, so the first write is rolled back with it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Tuple

from sqlalchemy import and_, func, insert, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from backoffice import audit, db
from backoffice.case_list import CaseQuery, conditions
from backoffice.clock import local_today, utc_now
from backoffice.crypto import FieldCipher
from backoffice.organisation import UnknownDepartment, read_rules
from backoffice.principal import ASSISTANT, Principal
from backoffice.routing import route
from backoffice.workflow import CLOSED, check_transition

logger = logging.getLogger(__name__)

INITIAL_STATUS = "received"
ASSISTANT_PRINCIPAL = Principal(ASSISTANT, "assistant")


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
    department_id: Optional[str] = None
    first_action_at: Optional[datetime] = None
    closed_at: Optional[datetime] = None


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    note: Optional[str]
    actor: str
    at: datetime
    kind: str = "status"
    department_id: Optional[str] = None


@dataclass(frozen=True)
class SeatRequest:
    activity_id: str
    participants: int


class ActivityUnavailable(Exception):
    """A sign-up names an unknown activity (``unknown``) or one without enough places."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CaseNotFound(Exception):
    """No such case, or not one the caller may see: both answer 404."""


class CaseRepository:
    def __init__(
        self, engine: Engine, cipher: FieldCipher, now: Callable[[], datetime] = utc_now
    ) -> None:
        self._engine = engine
        self._cipher = cipher
        self._now = now

    # -- cases -------------------------------------------------------------
    def create_case(
        self, new: NewCase, seats: Optional[SeatRequest] = None,
        who: Principal = ASSISTANT_PRINCIPAL,
    ) -> Tuple[CaseRecord, bool]:
        """The case for ``new.idempotency_key`` and whether this call created it."""
        existing = self._by_idempotency_key(new.idempotency_key)
        if existing is not None:
            return existing, False
        try:
            with self._engine.begin() as conn:
                return self._insert_case(conn, new, seats, who), True
        except IntegrityError:
            # A concurrent request with the same key won the race; its case is ours.
            existing = self._by_idempotency_key(new.idempotency_key)
            if existing is None:
                raise
            logger.info("concurrent create for case %s resolved by its idempotency key",
                        existing.case_number)
            return existing, False

    def _insert_case(
        self, conn: Connection, new: NewCase, seats: Optional[SeatRequest], who: Principal
    ) -> CaseRecord:
        now = self._now()
        case_number = _next_case_number(conn, local_today(now).strftime("%Y%m%d"))
        if seats is not None:
            _reserve_seats(conn, seats)
        department = route(new.service, new.fields, read_rules(conn))
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
            "department_id": department,
        }
        case_id = conn.execute(insert(db.cases).values(**values)).inserted_primary_key[0]
        conn.execute(
            insert(db.case_status_history).values(
                case_id=case_id, status=INITIAL_STATUS, note_encrypted=None, actor=new.actor,
                at=now, kind="created", department_id=department)
        )
        audit.record(conn, who, "case_created", now, case_number,
                     f"{new.service} -> {department or 'unassigned'}")
        return self._record(values)

    def get_case(self, case_number: str) -> Optional[CaseRecord]:
        with self._engine.connect() as conn:
            row = conn.execute(select(db.cases).where(db.cases.c.case_number == case_number)).first()
        return self._record(row._mapping) if row else None

    def find_cases(
        self, phone: Optional[str] = None, conversation_id: Optional[str] = None, limit: int = 50
    ) -> List[CaseRecord]:
        """Cases matching every given filter, newest first."""
        records, _ = self.list_cases(CaseQuery(phone=phone, conversation_id=conversation_id,
                                               limit=limit))
        return records

    def list_cases(self, query: CaseQuery) -> Tuple[List[CaseRecord], int]:
        """One page of the cases matching ``query``, newest first, and how many match."""
        c = db.cases
        condition = and_(true(), *conditions(query, self._cipher))
        page = (select(c).where(condition).order_by(c.c.created_at.desc(), c.c.id.desc())
                .limit(query.limit).offset(query.offset))
        with self._engine.connect() as conn:
            rows = conn.execute(page).all()
            total = conn.execute(select(func.count()).select_from(c).where(condition)).scalar_one()
        return [self._record(row._mapping) for row in rows], int(total)

    def update_status(self, who: Principal, case_number: str, status: str,
                      note: Optional[str]) -> CaseRecord:
        """Move the case on; raises CaseNotFound or workflow.TransitionRefused."""
        now = self._now()
        with self._engine.begin() as conn:
            row = self._touch(conn, who, case_number, now)
            check_transition(row.status, status, note, may_reopen=who.is_staff)
            values: Dict[str, Any] = {"status": status}
            if status in CLOSED:
                values["closed_at"] = now
            elif row.status in CLOSED:
                values["closed_at"] = None
            if who.role != ASSISTANT and row.first_action_at is None:
                values["first_action_at"] = now
            conn.execute(update(db.cases).where(db.cases.c.id == row.id).values(**values))
            self._history(conn, row.id, status, note, who, now, "status", row.department_id)
            audit.record(conn, who, "status_changed", now, case_number, f"{row.status} -> {status}")
            row = self._row(conn, row.id)
        return self._record(row._mapping)

    def assign(self, who: Principal, case_number: str, department_id: Optional[str],
               note: Optional[str]) -> CaseRecord:
        """Route the case to another department (None: back to the centre's staff)."""
        now = self._now()
        with self._engine.begin() as conn:
            row = self._touch(conn, who, case_number, now)
            if department_id is not None and conn.execute(
                    select(db.departments.c.department_id)
                    .where(db.departments.c.department_id == department_id)).first() is None:
                raise UnknownDepartment(department_id)
            values: Dict[str, Any] = {"department_id": department_id}
            if row.first_action_at is None:
                values["first_action_at"] = now
            conn.execute(update(db.cases).where(db.cases.c.id == row.id).values(**values))
            self._history(conn, row.id, row.status, note, who, now, "assigned", department_id)
            audit.record(conn, who, "case_assigned", now, case_number,
                         f"{row.department_id or 'unassigned'} -> {department_id or 'unassigned'}")
            row = self._row(conn, row.id)
        return self._record(row._mapping)

    def amend_fields(self, who: Principal, case_number: str, changes: Dict[str, Any],
                     note: Optional[str]) -> CaseRecord:
        """Merge ``changes`` into the case's fields; the history records what was amended."""
        now = self._now()
        with self._engine.begin() as conn:
            row = self._touch(conn, who, case_number, now)
            fields = self._cipher.decrypt_json(row._mapping["fields_encrypted"])
            for name, value in changes.items():
                if value is None:
                    fields.pop(name, None)
                else:
                    fields[name] = value
            conn.execute(
                update(db.cases).where(db.cases.c.id == row.id).values(
                    fields_encrypted=self._cipher.encrypt_json(fields),
                    phone_hash=self._cipher.phone_hash(_first(fields.get("phone"))))
            )
            said = ("补充/更正：" + "、".join(sorted(changes)) + (f"（{note}）" if note else "")) if changes \
                else (note or "补充说明")
            self._history(conn, row.id, row.status, said, who, now, "amended", row.department_id)
            audit.record(conn, who, "case_amended", now, case_number, ",".join(sorted(changes)))
            row = self._row(conn, row.id)
        return self._record(row._mapping)

    def reveal_field(self, who: Principal, case_number: str, name: str) -> Any:
        """One field's stored value, unmasked; the reveal is in the audit log."""
        now = self._now()
        with self._engine.begin() as conn:
            audit.record(conn, who, "field_revealed", now, case_number, name)
            row = conn.execute(select(db.cases).where(db.cases.c.case_number == case_number)).first()
            if row is None or not who.sees(row.department_id):
                raise CaseNotFound(case_number)
            fields = self._cipher.decrypt_json(row.fields_encrypted)
            if fields.get(name) in (None, ""):
                raise CaseNotFound(case_number)
        return fields[name]

    def history(self, case_number: str) -> Optional[List[HistoryEntry]]:
        """The history, oldest first, or None for an unknown case."""
        h = db.case_status_history
        with self._engine.connect() as conn:
            case_id = conn.execute(
                select(db.cases.c.id).where(db.cases.c.case_number == case_number)
            ).scalar()
            if case_id is None:
                return None
            rows = conn.execute(select(h).where(h.c.case_id == case_id).order_by(h.c.at, h.c.id))
            return [
                HistoryEntry(r.status, self._cipher.decrypt_text(r.note_encrypted), r.actor, r.at,
                             r.kind or "status", r.department_id)
                for r in rows
            ]

    # -- activities --------------------------------------------------------
    def list_activities(self) -> List[Dict[str, Any]]:
        a = db.activities
        with self._engine.connect() as conn:
            rows = conn.execute(select(a).order_by(a.c.starts_at, a.c.activity_id))
            return [dict(row._mapping) for row in rows]

    # -- helpers -----------------------------------------------------------
    def _touch(self, conn: Connection, who: Principal, case_number: str, now: datetime) -> Any:
        """Lock the case with a write (``updated_at``) and return its row, if the caller sees it."""
        c = db.cases
        conn.execute(update(c).where(c.c.case_number == case_number).values(updated_at=now))
        row = conn.execute(select(c).where(c.c.case_number == case_number)).first()
        if row is None or not who.sees(row.department_id):
            raise CaseNotFound(case_number)
        return row

    @staticmethod
    def _row(conn: Connection, case_id: int) -> Any:
        return conn.execute(select(db.cases).where(db.cases.c.id == case_id)).one()

    def _history(self, conn: Connection, case_id: int, status: str, note: Optional[str],
                 who: Principal, now: datetime, kind: str, department_id: Optional[str]) -> None:
        conn.execute(insert(db.case_status_history).values(
            case_id=case_id, status=status, note_encrypted=self._cipher.encrypt_text(note),
            actor=who.actor, at=now, kind=kind, department_id=department_id))

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
            department_id=row.get("department_id"),
            first_action_at=row.get("first_action_at"),
            closed_at=row.get("closed_at"),
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
