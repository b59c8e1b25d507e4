"""HTTP routes of SERVICES.md section 4. Every case leaves through :func:`present_case`."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response, Security
from fastapi.security import HTTPBearer
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from backoffice.clock import local_iso
from backoffice.masking import mask_fields, scrub_text
from backoffice.notify import Notifier
from backoffice.repository import ActivityUnavailable, CaseRecord, CaseRepository, NewCase, SeatRequest
from backoffice.schemas import (
    ActivityOut, CaseCreate, CaseOut, ErrorOut, HealthOut, HistoryOut, Priority, Service, StatusUpdate, CaseAmendment,
)

logger = logging.getLogger(__name__)

_CASE_NUMBER = re.compile(r"^[A-Z0-9-]{1,32}$")
_MAX_PARTICIPANTS = 5

bearer = HTTPBearer(
    auto_error=False,
    description="BACKOFFICE_TOKEN for the assistant; BACKOFFICE_STAFF_TOKEN for staff (PATCH)",
)


class ApiError(Exception):
    """An error answered as ``{"error": code, "detail": text}``."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(error)
        self.status, self.error, self.detail = status, error, detail


def _errors(*codes: int) -> Dict[int, Dict[str, Any]]:
    return {code: {"model": ErrorOut} for code in codes}


def get_repo(request: Request) -> CaseRepository:
    return request.app.state.repo


def get_notifier(request: Request) -> Notifier:
    return request.app.state.notifier


def present_case(record: CaseRecord) -> Dict[str, Any]:
    """The API view of a case: personal data masked."""
    return {
        "case_number": record.case_number,
        "service": record.service,
        "status": record.status,
        "priority": record.priority,
        "needs_caseworker": record.needs_caseworker,
        "channel": record.channel,
        "conversation_id": scrub_text(record.conversation_id),
        "fields": mask_fields(record.fields),
        "created_at": local_iso(record.created_at),
        "updated_at": local_iso(record.updated_at),
    }


def _case_number(raw: str) -> str:
    number = raw.strip().upper()
    if not _CASE_NUMBER.match(number):
        raise ApiError(404, "not_found", "no such case")
    return number


def _seat_request(service: Service, fields: Dict[str, Any]) -> Optional[SeatRequest]:
    activity_id = fields.get("activity_id")
    if service is not Service.activity_signup or activity_id in (None, ""):
        return None
    participants = _whole_number(fields.get("participants", 1))
    if participants is None or not 1 <= participants <= _MAX_PARTICIPANTS:
        raise ApiError(422, "invalid_participants", f"participants must be 1 to {_MAX_PARTICIPANTS}")
    return SeatRequest(str(activity_id), participants)


def _whole_number(raw: Any) -> Optional[int]:
    """2, 2.0 (a Rasa float slot) and "2" are all 2; anything else is None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    return None


public = APIRouter()
router = APIRouter(prefix="/api/v1", dependencies=[Security(bearer)],
                   responses=_errors(401, 413))


@public.get("/healthz", response_model=HealthOut, tags=["health"], responses=_errors(503))
def healthz(request: Request) -> Dict[str, Any]:
    """Liveness and database check; no token needed."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        logger.error("health check failed: %s", type(exc).__name__)
        raise ApiError(503, "database_unavailable", "database unavailable") from None
    return {"status": "ok", "schema_version": request.app.state.schema_version}


@router.post("/cases", status_code=201, response_model=CaseOut, tags=["cases"],
             responses={200: {"model": CaseOut, "description": "Existing case for this idempotency_key"},
                        **_errors(400, 409, 422)})
def create_case(body: CaseCreate, response: Response,
                repo: CaseRepository = Depends(get_repo)) -> Dict[str, Any]:
    """Create a case; the same ``idempotency_key`` again returns the first case with 200."""
    fields = dict(body.fields)
    urgent = body.service is Service.emergency_help
    new = NewCase(
        service=body.service.value,
        fields=fields,
        channel=body.channel,
        conversation_id=body.conversation_id,
        idempotency_key=body.idempotency_key,
        priority=Priority.urgent.value if urgent else (body.priority or Priority.normal).value,
        needs_caseworker=body.service is Service.subsistence_allowance or bool(body.needs_caseworker),
    )
    try:
        record, created = repo.create_case(new, _seat_request(body.service, fields))
    except ActivityUnavailable as exc:
        if exc.reason == "full":
            raise ApiError(409, "activity_full", "not enough places left in this activity") from None
        raise ApiError(422, "unknown_activity", "no activity with this activity_id") from None
    if created:
        logger.info("case %s created: %s via %s", record.case_number, record.service, record.channel)
    else:
        response.status_code = 200
        logger.info("case %s returned again for a repeated idempotency key", record.case_number)
    return present_case(record)


@router.get("/cases", response_model=List[CaseOut], tags=["cases"], responses=_errors(400, 422))
def find_cases(
    phone: Optional[str] = Query(None, max_length=32, description="Digits of the phone number"),
    conversation_id: Optional[str] = Query(None, max_length=128),
    limit: int = Query(50, ge=1, le=200),
    repo: CaseRepository = Depends(get_repo),
) -> List[Dict[str, Any]]:
    """Cases by phone and/or conversation, newest first; at least one filter is required."""
    if phone is None and conversation_id is None:
        raise ApiError(400, "missing_filter", "give phone or conversation_id")
    if phone is not None and not re.sub(r"\D", "", phone):
        raise ApiError(422, "invalid_phone", "phone must contain digits")
    return [present_case(r) for r in repo.find_cases(phone, conversation_id, limit)]


@router.get("/cases/{case_number}", response_model=CaseOut, tags=["cases"], responses=_errors(404))
def get_case(case_number: str, repo: CaseRepository = Depends(get_repo)) -> Dict[str, Any]:
    """One case by number (case-insensitive)."""
    record = repo.get_case(_case_number(case_number))
    if record is None:
        raise ApiError(404, "not_found", "no such case")
    return present_case(record)


@router.patch("/cases/{case_number}", response_model=CaseOut, tags=["cases"],
              responses=_errors(403, 404, 422))
def update_case_status(case_number: str, body: StatusUpdate, background: BackgroundTasks,
                       repo: CaseRepository = Depends(get_repo),
                       notifier: Notifier = Depends(get_notifier)) -> Dict[str, Any]:
    """Change the status (staff token only); the resident is notified through the assistant."""
    record = repo.update_status(_case_number(case_number), body.status.value, body.note, "staff")
    if record is None:
        raise ApiError(404, "not_found", "no such case")
    logger.info("case %s status -> %s", record.case_number, record.status)
    background.add_task(notifier.notify, {
        "case_number": record.case_number,
        "service": record.service,
        "status": record.status,
        "note": scrub_text(body.note) if body.note else body.note,
        "channel": record.channel,
        "conversation_id": record.conversation_id,
    })
    return present_case(record)


@router.post("/cases/{case_number}/amendments", response_model=CaseOut, tags=["cases"],
             responses=_errors(404, 422))
def amend_case(case_number: str, body: CaseAmendment, request: Request,
               repo: CaseRepository = Depends(get_repo)) -> Dict[str, Any]:
    """Add or correct field values of a filed case (the assistant: an emergency's location
    and callback number, a correction the resident said after filing; staff likewise).
    The status stays; the history records which fields changed."""
    actor = getattr(request.state, "role", "assistant")
    record = repo.amend_fields(_case_number(case_number), dict(body.fields), body.note, actor)
    if record is None:
        raise ApiError(404, "not_found", "no such case")
    logger.info("case %s amended: %s", record.case_number, ",".join(sorted(body.fields)))
    return present_case(record)


@router.get("/cases/{case_number}/history", response_model=List[HistoryOut], tags=["cases"],
            responses=_errors(404))
def case_history(case_number: str, repo: CaseRepository = Depends(get_repo)) -> List[Dict[str, Any]]:
    """Status changes of a case, oldest first."""
    entries = repo.history(_case_number(case_number))
    if entries is None:
        raise ApiError(404, "not_found", "no such case")
    return [{"status": e.status, "note": scrub_text(e.note) if e.note else e.note,
             "actor": e.actor, "at": local_iso(e.at)} for e in entries]


@router.get("/activities", response_model=List[ActivityOut], tags=["activities"])
def list_activities(repo: CaseRepository = Depends(get_repo)) -> List[Dict[str, Any]]:
    """The centre's activity catalogue with the places left."""
    return [{**row, "starts_at": local_iso(row["starts_at"])} for row in repo.list_activities()]
