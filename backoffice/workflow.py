"""The life of a case: which status changes are allowed, and to whom (pure, no I/O).

    received → accepted → in_progress → done
         └──────────┴───────────┴──→ rejected

A case moves forward; a step may be skipped (a repair done on the first visit
goes from accepted to done). ``rejected`` needs a note: the resident is told why.
A closed case (done, rejected) is reopened only by the centre's staff, to
``accepted`` or ``in_progress``.
"""
from __future__ import annotations

from typing import Optional

ORDER = ("received", "accepted", "in_progress", "done")
CLOSED = ("done", "rejected")
REOPEN_TO = ("accepted", "in_progress")
NOTE_REQUIRED = ("rejected",)


class TransitionRefused(Exception):
    """Answered as ``{"error": error, "detail": detail}`` with HTTP ``status``."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(error)
        self.status, self.error, self.detail = status, error, detail


def next_statuses(current: str, may_reopen: bool) -> list[str]:
    """The statuses a case in ``current`` may move to, in display order."""
    if current in CLOSED:
        return list(REOPEN_TO) if may_reopen else []
    later = list(ORDER[ORDER.index(current) + 1:]) if current in ORDER else []
    return later + ["rejected"]


def check_transition(current: str, new: str, note: Optional[str], may_reopen: bool) -> None:
    """Raise :class:`TransitionRefused` unless ``current → new`` is allowed."""
    if new == current:
        raise TransitionRefused(409, "invalid_transition", f"the case is already {current}")
    if new not in next_statuses(current, may_reopen=True):
        raise TransitionRefused(409, "invalid_transition", f"{current} cannot become {new}")
    if current in CLOSED and not may_reopen:
        raise TransitionRefused(403, "forbidden", "only the centre's staff reopen a closed case")
    if new in NOTE_REQUIRED and not (note or "").strip():
        raise TransitionRefused(422, "note_required", f"a change to {new} needs a note for the resident")
