"""Departments and providers, the routing table and departments' API tokens."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, List, Optional

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from backoffice import audit, db
from backoffice.clock import utc_now
from backoffice.principal import Principal
from backoffice.routing import Rule

TOKEN_PREFIX = "dpt_"


@dataclass(frozen=True)
class Department:
    department_id: str
    name: str
    kind: str
    active: bool


class DepartmentExists(Exception):
    pass


class UnknownDepartment(Exception):
    def __init__(self, department_id: str) -> None:
        super().__init__(department_id)
        self.department_id = department_id


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def read_rules(conn: Connection) -> List[Rule]:
    r = db.routing_rules
    rows = conn.execute(select(r).order_by(r.c.id))
    return [Rule(row.service, row.category, row.department_id) for row in rows]


class DepartmentStore:
    def __init__(self, engine: Engine, now: Callable[[], datetime] = utc_now) -> None:
        self._engine = engine
        self._now = now

    def all(self) -> List[Department]:
        d = db.departments
        with self._engine.connect() as conn:
            rows = conn.execute(select(d).order_by(d.c.created_at, d.c.department_id)).all()
        return [Department(r.department_id, r.name, r.kind, bool(r.active)) for r in rows]

    def get(self, department_id: str) -> Optional[Department]:
        return next((d for d in self.all() if d.department_id == department_id), None)

    def create(self, who: Principal, department: Department) -> Department:
        now = self._now()
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(db.departments).values(
                    department_id=department.department_id, name=department.name,
                    kind=department.kind, active=department.active, created_at=now))
                audit.record(conn, who, "department_created", now, detail=department.department_id)
        except IntegrityError:
            raise DepartmentExists(department.department_id) from None
        return department

    def update(self, who: Principal, department_id: str, name: Optional[str],
               active: Optional[bool]) -> Optional[Department]:
        values = {k: v for k, v in (("name", name), ("active", active)) if v is not None}
        now = self._now()
        with self._engine.begin() as conn:
            d = db.departments
            changed = conn.execute(update(d).where(d.c.department_id == department_id)
                                   .values(**values)) if values else None
            if values and changed.rowcount == 0:
                return None
            audit.record(conn, who, "department_changed", now,
                         detail=f"{department_id}:{','.join(sorted(values))}")
        return self.get(department_id)

    # -- routing -------------------------------------------------------------
    def rules(self) -> List[Rule]:
        with self._engine.connect() as conn:
            return read_rules(conn)

    def replace_rules(self, who: Principal, rules: List[Rule]) -> List[Rule]:
        """Swap the whole table at once; every department named must exist."""
        now = self._now()
        with self._engine.begin() as conn:
            conn.execute(delete(db.routing_rules))  # the write first: SQLite's lock at once
            known = set(conn.execute(select(db.departments.c.department_id)).scalars())
            for rule in rules:
                if rule.department_id not in known:
                    raise UnknownDepartment(rule.department_id)
            if rules:
                conn.execute(insert(db.routing_rules), [
                    {"service": r.service, "category": r.category, "department_id": r.department_id}
                    for r in rules])
            audit.record(conn, who, "routing_replaced", now, detail=f"{len(rules)} rules")
        return self.rules()

    # -- tokens --------------------------------------------------------------
    def issue_token(self, who: Principal, department_id: str, label: str) -> str:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self._now()
        with self._engine.begin() as conn:
            conn.execute(insert(db.department_tokens).values(
                department_id=department_id, token_hash=token_hash(token), label=label,
                created_at=now))
            audit.record(conn, who, "token_issued", now, detail=f"{department_id}:{label}"[:200])
        return token

    def revoke_tokens(self, who: Principal, department_id: str) -> int:
        now = self._now()
        t = db.department_tokens
        with self._engine.begin() as conn:
            revoked = conn.execute(update(t).where(t.c.department_id == department_id,
                                                   t.c.revoked_at.is_(None))
                                   .values(revoked_at=now)).rowcount
            audit.record(conn, who, "tokens_revoked", now, detail=f"{department_id}:{revoked}")
        return revoked

    def department_of_token(self, token: str) -> Optional[str]:
        """The active department a live token belongs to, or None."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        t, d = db.department_tokens, db.departments
        query = (select(t.c.department_id).join(d, d.c.department_id == t.c.department_id)
                 .where(t.c.token_hash == token_hash(token), t.c.revoked_at.is_(None),
                        d.c.active.is_(True)))
        with self._engine.connect() as conn:
            return conn.execute(query).scalar()
