"""Who is calling, and what they may see: one place for the permission rules.

Roles:

- ``assistant`` (``BACKOFFICE_TOKEN``): files cases and amends them, finds them by
  phone or conversation; no status changes, routing, notes or audit log.
- ``staff`` (``BACKOFFICE_STAFF_TOKEN``): the centre's staff, every case. The staff
  token belongs to a trusted front end (the console): it may name the person acting
  (``X-Actor``), recorded in the history and the audit log, and narrow a request to
  one department (``X-Department``), which then behaves exactly as that
  department's own account.
- ``department`` (a token issued by ``POST /api/v1/departments/{id}/tokens``): sees
  and changes only the cases routed to its department; cannot reassign them (only
  return them to the centre), reopen closed ones, change routing or read the audit log.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

ASSISTANT, STAFF, DEPARTMENT = "assistant", "staff", "department"
_ACTOR = re.compile(r"^[A-Za-z0-9_.@-]{1,32}$")
_DEPARTMENT_ID = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


@dataclass(frozen=True)
class Principal:
    role: str
    actor: str
    department_id: Optional[str] = None

    @property
    def is_staff(self) -> bool:
        return self.role == STAFF

    def sees(self, department_id: Optional[str]) -> bool:
        """Whether a case with this department is visible (and changeable) to the caller."""
        return self.role != DEPARTMENT or department_id == self.department_id


def valid_actor(value: str) -> bool:
    return bool(_ACTOR.match(value or ""))


def valid_department_id(value: str) -> bool:
    return bool(_DEPARTMENT_ID.match(value or ""))


def staff_principal(actor_header: Optional[str], department_header: Optional[str]) -> Principal:
    """The staff token's caller: named by X-Actor, narrowed by X-Department when given."""
    actor = actor_header if actor_header and valid_actor(actor_header) else STAFF
    if department_header:
        return Principal(DEPARTMENT, actor, department_header)
    return Principal(STAFF, actor)


def department_principal(department_id: str, actor_header: Optional[str]) -> Principal:
    actor = actor_header if actor_header and valid_actor(actor_header) else f"dept:{department_id}"
    return Principal(DEPARTMENT, actor, department_id)
