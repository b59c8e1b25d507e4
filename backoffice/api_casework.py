"""HTTP routes for staff casework: private notes, callbacks, the audit log and figures."""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, Path, Query, Request, Security

from backoffice import audit, stats
from backoffice.api import (
    ApiError, bearer, case_number_of, errors, get_callbacks, get_repo, people_only, staff_only,
    visible_case,
)
from backoffice.casework import Callback, CallbackStore, NewCallback, NoteStore
from backoffice.clock import local_iso
from backoffice.masking import mask_phone, scrub_text
from backoffice.principal import Principal
from backoffice.repository import CaseNotFound, CaseRepository
from backoffice.schemas import (
    AuditOut, CallbackClose, CallbackIn, CallbackOut, CallbackStatus, NoteIn, NoteOut, StatsOut,
)

router = APIRouter(prefix="/api/v1", dependencies=[Security(bearer)], responses=errors(401, 413))
CALLBACK_ID = Path(..., ge=1, le=2**31 - 1)


def get_notes(request: Request) -> NoteStore:
    return request.app.state.notes


@router.get("/cases/{case_number}/notes", response_model=List[NoteOut], tags=["casework"],
            responses=errors(403, 404))
def list_notes(case_number: str, who: Principal = Depends(people_only),
               repo: CaseRepository = Depends(get_repo),
               notes: NoteStore = Depends(get_notes)) -> List[Dict[str, Any]]:
    """Staff's private notes on a case, oldest first (never shown to the resident)."""
    record = visible_case(repo, who, case_number)
    return [{"text": scrub_text(n.text), "author": n.author, "department": n.department_id,
             "at": local_iso(n.at)} for n in notes.of_case(record.case_number)]


@router.post("/cases/{case_number}/notes", status_code=201, response_model=NoteOut, tags=["casework"],
             responses=errors(403, 404, 422))
def add_note(case_number: str, body: NoteIn, who: Principal = Depends(people_only),
             notes: NoteStore = Depends(get_notes)) -> Dict[str, Any]:
    """Add a private note; it counts as an action on the case."""
    try:
        note = notes.add(who, case_number_of(case_number), body.text)
    except CaseNotFound:
        raise ApiError(404, "not_found", "no such case") from None
    return {"text": scrub_text(note.text), "author": note.author, "department": note.department_id,
            "at": local_iso(note.at)}


def present_callback(cb: Callback) -> Dict[str, Any]:
    return {"callback_id": cb.callback_id, "department": cb.department_id,
            "case_number": cb.case_number, "service": cb.service, "channel": cb.channel,
            "conversation_id": scrub_text(cb.conversation_id), "reason": cb.reason,
            "phone": mask_phone(cb.phone) if cb.phone else None, "note": scrub_text(cb.note) if cb.note else cb.note,
            "status": cb.status, "created_by": cb.created_by, "created_at": local_iso(cb.created_at),
            "closed_at": local_iso(cb.closed_at) if cb.closed_at else None,
            "closed_by": cb.closed_by, "result": scrub_text(cb.result) if cb.result else cb.result}


@router.post("/callbacks", status_code=201, response_model=CallbackOut, tags=["casework"],
             responses=errors(403, 422))
def create_callback(body: CallbackIn, who: Principal = Depends(people_only),
                    callbacks: CallbackStore = Depends(get_callbacks)) -> Dict[str, Any]:
    """Queue a call back to a resident with the case's department (else the routing
    table's department for the service)."""
    department = body.department if who.is_staff else who.department_id
    created = callbacks.create(who, NewCallback(
        channel=body.channel, conversation_id=body.conversation_id, reason="takeover",
        phone=body.phone, note=body.note,
        case_number=case_number_of(body.case_number) if body.case_number else None,
        service=body.service.value if body.service else None, department_id=department))
    return present_callback(created)


@router.get("/callbacks", response_model=List[CallbackOut], tags=["casework"], responses=errors(403))
def list_callbacks(status: Optional[CallbackStatus] = Query(CallbackStatus.open),
                   limit: int = Query(100, ge=1, le=500),
                   who: Principal = Depends(people_only),
                   callbacks: CallbackStore = Depends(get_callbacks)) -> List[Dict[str, Any]]:
    """Callbacks, newest first (open ones unless asked otherwise); a department sees its own."""
    found = callbacks.list(who.department_id, status.value if status else None, limit)
    return [present_callback(cb) for cb in found]


@router.get("/callbacks/{callback_id}/phone", tags=["casework"], responses=errors(403, 404))
def callback_phone(callback_id: int = CALLBACK_ID, who: Principal = Depends(people_only),
                   callbacks: CallbackStore = Depends(get_callbacks)) -> Dict[str, Any]:
    """The number to call, unmasked; the reveal is in the audit log."""
    try:
        phone = callbacks.reveal_phone(who, callback_id)
    except LookupError:
        raise ApiError(404, "not_found", "no such callback") from None
    return {"callback_id": callback_id, "phone": phone}


@router.patch("/callbacks/{callback_id}", response_model=CallbackOut, tags=["casework"],
              responses=errors(403, 404, 409, 422))
def close_callback(body: CallbackClose, callback_id: int = CALLBACK_ID, who: Principal = Depends(people_only),
                   callbacks: CallbackStore = Depends(get_callbacks)) -> Dict[str, Any]:
    """Close an open callback as done or cancelled, with what came of it."""
    try:
        closed = callbacks.close(who, callback_id, body.status.value, body.result)
    except LookupError:
        raise ApiError(404, "not_found", "no such callback") from None
    except ValueError:
        raise ApiError(409, "already_closed", "the callback is already closed") from None
    return present_callback(closed)


@router.get("/audit", response_model=List[AuditOut], tags=["casework"], responses=errors(403))
def audit_log(request: Request, case_number: Optional[str] = Query(None, max_length=32),
              action: Optional[str] = Query(None, regex=r"^[a-z_]{1,32}$"),
              limit: int = Query(100, ge=1, le=1000),
              who: Principal = Depends(staff_only)) -> List[Dict[str, Any]]:
    """Every change and reveal, newest first (the centre's staff only)."""
    number = case_number_of(case_number) if case_number else None
    entries = audit.recent(request.app.state.engine, number, action, limit)
    return [{"at": local_iso(e.at), "actor": e.actor, "role": e.role, "department": e.department_id,
             "action": e.action, "case_number": e.case_number, "detail": e.detail} for e in entries]


@router.get("/stats", response_model=StatsOut, tags=["casework"], responses=errors(403, 422))
def case_stats(request: Request, created_from: Optional[date] = Query(None),
               created_to: Optional[date] = Query(None),
               who: Principal = Depends(people_only)) -> Dict[str, Any]:
    """Cases per department and status, time to the first action and to done (median
    and 90th percentile, minutes), cases per service and per local hour; a department
    gets its own figures."""
    return stats.case_figures(request.app.state.engine, who.department_id, created_from, created_to)
