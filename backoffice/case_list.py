"""The filters of the staff's case list, as SQL conditions (no I/O)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, List, Optional

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement

from backoffice import db
from backoffice.clock import local_to_utc
from backoffice.crypto import FieldCipher, normalise_phone

_CASE_NUMBER_PART = re.compile(r"^[A-Z0-9-]{3,32}$")


@dataclass(frozen=True)
class CaseQuery:
    """Filters of the case list; ``department`` "none" means not yet assigned."""
    service: Optional[str] = None
    status: Optional[str] = None
    department: Optional[str] = None
    channel: Optional[str] = None
    created_from: Optional[date] = None
    created_to: Optional[date] = None
    search: Optional[str] = None
    phone: Optional[str] = None
    conversation_id: Optional[str] = None
    visible_to: Optional[str] = None  # a department account's own department
    limit: int = 50
    offset: int = 0


def created_between(created_from: Optional[date], created_to: Optional[date]) -> List[ColumnElement]:
    """Local dates, both inclusive, as conditions on the stored UTC creation time."""
    column = db.cases.c.created_at
    found = []
    if created_from is not None:
        found.append(column >= local_to_utc(datetime.combine(created_from, time())))
    if created_to is not None:
        found.append(column < local_to_utc(datetime.combine(created_to + timedelta(days=1), time())))
    return found


def conditions(q: CaseQuery, cipher: FieldCipher) -> List[Any]:
    c = db.cases
    found: List[Any] = [c.c.department_id == q.visible_to] if q.visible_to else []
    for column, value in ((c.c.service, q.service), (c.c.status, q.status),
                          (c.c.channel, q.channel), (c.c.conversation_id, q.conversation_id)):
        if value is not None:
            found.append(column == value)
    if q.department == "none":
        found.append(c.c.department_id.is_(None))
    elif q.department is not None:
        found.append(c.c.department_id == q.department)
    found += created_between(q.created_from, q.created_to)
    if q.phone is not None:
        found.append(c.c.phone_hash == cipher.phone_hash(q.phone))
    if q.search:
        found.append(search(q.search, cipher))
    return found


def search(text: str, cipher: FieldCipher) -> Any:
    """A case number (or part of one) or a whole phone number (only its keyed hash is stored)."""
    c = db.cases
    wanted = text.strip().upper()
    options = []
    if _CASE_NUMBER_PART.match(wanted):
        options.append(c.c.case_number.like(f"%{wanted}%"))
    digits = normalise_phone(wanted)
    if len(digits) >= 7 and digits == re.sub(r"[\s-]", "", wanted):
        options.append(c.c.phone_hash == cipher.phone_hash(digits))
    return or_(*options) if options else c.c.id.is_(None)
