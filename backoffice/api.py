"""HTTP routes of SERVICES.md section 4 for cases. Every case leaves through :func:`present_case`."""
from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request, Response, Security
from fastapi.security import HTTPBearer
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from backoffice.casework import CallbackStore, NewCallback
from backoffice.clock import local_iso
from backoffice.masking import mask_fields, scrub_text
from backoffice.notify import Notifier
from backoffice.organisation import DepartmentStore, UnknownDepartment
from backoffice.principal import ASSISTANT, Principal
from backoffice.case_list import CaseQuery
from backoffice.repository import (
    ActivityUnavailable, CaseNotFound, CaseRecord, CaseRepository, NewCase, SeatRequest,
)
from backoffice.schemas import (
    ActivityOut, Assignment, CaseAmendment, CaseCreate, CaseOut, ErrorOut, FieldValueOut, HealthOut,
    HistoryOut, Priority, Service, Status, StatusUpdate,
)
from backoffice.workflow import TransitionRefused, next_statuses

logger = logging.getLogger(__name__)

_CASE_NUMBER = re.compile(r"^[A-Z0-9-]{1,32}$")
_MAX_PARTICIPANTS = 5
# A status change on these channels cannot be pushed: the department calls the resident.
CALLBACK_CHANNELS = ("voice",)

bearer = HTTPBearer(
    auto_error=False,
    description="BACKOFFICE_TOKEN for the assistant; BACKOFFICE_STAFF_TOKEN for the centre's staff "
                "(with X-Actor naming the person and X-Department narrowing to one department); "
                "a department's own token for its account",
)


class ApiError(Exception):
    """An error answered as ``{"error": code, "detail": text}``."""

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(error)
        self.status, self.error, self.detail = status, error, detail


def errors(*codes: int) -> Dict[int, Dict[str, Any]]:
    return {code: {"model": ErrorOut} for code in codes}


def get_repo(request: Request) -> CaseRepository:
    return request.app.state.repo


def get_notifier(request: Request) -> Notifier:
    return request.app.state.notifier


def get_departments(request: Request) -> DepartmentStore:
    return request.app.state.departments


def get_callbacks(request: Request) -> CallbackStore:
    return request.app.state.callbacks


def get_principal(request: Request) -> Principal:
    return request.state.principal


def staff_only(who: Principal = Depends(get_principal)) -> Principal:
    if not who.is_staff:
        raise ApiError(403, "forbidden", "this operation is for the centre's staff")
    return who


def people_only(who: Principal = Depends(get_principal)) -> Principal:
    """Staff and departments; not the assistant."""
    if who.role == ASSISTANT:
        raise ApiError(403, "forbidden", "this operation needs a staff or department token")
    return who


def present_case(record: CaseRecord, names: Optional[Dict[str, str]] = None,
                 who: Optional[Principal] = None) -> Dict[str, Any]:
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
        "department": record.department_id,
        "department_name": (names or {}).get(record.department_id or ""),
        "next_statuses": (next_statuses(record.status, who.is_staff)
                          if who is not None and who.role != ASSISTANT else []),
    }


def _names(departments: DepartmentStore) -> Dict[str, str]:
    return {d.department_id: d.name for d in departments.all()}


def case_number_of(raw: str) -> str:
    number = raw.strip().upper()
    if not _CASE_NUMBER.match(number):
        raise ApiError(404, "not_found", "no such case")
    return number


def visible_case(repo: CaseRepository, who: Principal, raw_number: str) -> CaseRecord:
    """The case, if it exists and the caller may see it; 404 alike otherwise."""
    record = repo.get_case(case_number_of(raw_number))
    if record is None or not who.sees(record.department_id):
        raise ApiError(404, "not_found", "no such case")
    return record


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
                   responses=errors(401, 413))


@public.get("/healthz", response_model=HealthOut, tags=["health"], responses=errors(503))
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
                        **errors(400, 409, 422)})
def create_case(body: CaseCreate, response: Response, who: Principal = Depends(get_principal),
                repo: CaseRepository = Depends(get_repo),
                departments: DepartmentStore = Depends(get_departments)) -> Dict[str, Any]:
    """Create a case, routed to a department by the routing table; the same
    ``idempotency_key`` again returns the first case with 200."""
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
        actor=who.actor,
    )
    try:
        record, created = repo.create_case(new, _seat_request(body.service, fields), who)
    except ActivityUnavailable as exc:
        if exc.reason == "full":
            raise ApiError(409, "activity_full", "not enough places left in this activity") from None
        raise ApiError(422, "unknown_activity", "no activity with this activity_id") from None
    if created:
        logger.info("case %s created: %s via %s -> %s", record.case_number, record.service,
                    record.channel, record.department_id or "unassigned")
    else:
        response.status_code = 200
        logger.info("case %s returned again for a repeated idempotency key", record.case_number)
    return present_case(record, _names(departments), who)


@router.get("/cases", response_model=List[CaseOut], tags=["cases"], responses=errors(400, 422))
def find_cases(
    response: Response,
    phone: Optional[str] = Query(None, max_length=32, description="Digits of the phone number"),
    conversation_id: Optional[str] = Query(None, max_length=128),
    service: Optional[Service] = Query(None),
    status: Optional[Status] = Query(None),
    department: Optional[str] = Query(None, regex=r"^[a-z][a-z0-9_]{1,31}$",
                                      description='A department id, or "none" for unassigned cases'),
    channel: Optional[str] = Query(None, max_length=64),
    created_from: Optional[date] = Query(None, description="Local date, inclusive"),
    created_to: Optional[date] = Query(None, description="Local date, inclusive"),
    q: Optional[str] = Query(None, max_length=32, description="A case number (or part) or a whole phone number"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
    who: Principal = Depends(get_principal),
    repo: CaseRepository = Depends(get_repo),
    departments: DepartmentStore = Depends(get_departments),
) -> List[Dict[str, Any]]:
    """Cases matching every filter, newest first, with the number of matches in
    ``X-Total-Count``. The assistant must give ``phone`` or ``conversation_id``; staff
    may list without; a department sees only its own cases."""
    if who.role == ASSISTANT and phone is None and conversation_id is None:
        raise ApiError(400, "missing_filter", "give phone or conversation_id")
    if phone is not None and not re.sub(r"\D", "", phone):
        raise ApiError(422, "invalid_phone", "phone must contain digits")
    query = CaseQuery(
        service=service.value if service else None, status=status.value if status else None,
        department=department, channel=channel, created_from=created_from, created_to=created_to,
        search=q, phone=phone, conversation_id=conversation_id,
        visible_to=who.department_id, limit=limit, offset=offset)
    records, total = repo.list_cases(query)
    response.headers["X-Total-Count"] = str(total)
    names = _names(departments)
    return [present_case(r, names, who) for r in records]


@router.get("/cases/{case_number}", response_model=CaseOut, tags=["cases"], responses=errors(404))
def get_case(case_number: str, who: Principal = Depends(get_principal),
             repo: CaseRepository = Depends(get_repo),
             departments: DepartmentStore = Depends(get_departments)) -> Dict[str, Any]:
    """One case by number (case-insensitive); a department sees only its own."""
    return present_case(visible_case(repo, who, case_number), _names(departments), who)


@router.patch("/cases/{case_number}", response_model=CaseOut, tags=["cases"],
              responses=errors(403, 404, 409, 422))
def update_case_status(case_number: str, body: StatusUpdate, background: BackgroundTasks,
                       who: Principal = Depends(people_only),
                       repo: CaseRepository = Depends(get_repo),
                       departments: DepartmentStore = Depends(get_departments),
                       notifier: Notifier = Depends(get_notifier),
                       callbacks: CallbackStore = Depends(get_callbacks)) -> Dict[str, Any]:
    """Move the case on (received → accepted → in_progress → done, or rejected with a
    note; steps may be skipped; only the centre's staff reopen a closed case). The
    resident is notified on their channel; a phone caller's department gets a callback."""
    try:
        record = repo.update_status(who, case_number_of(case_number), body.status.value, body.note)
    except CaseNotFound:
        raise ApiError(404, "not_found", "no such case") from None
    except TransitionRefused as refused:
        raise ApiError(refused.status, refused.error, refused.detail) from None
    logger.info("case %s status -> %s", record.case_number, record.status)
    note = scrub_text(body.note) if body.note else body.note
    background.add_task(notifier.notify, {
        "case_number": record.case_number,
        "service": record.service,
        "status": record.status,
        "note": note,
        "channel": record.channel,
        "conversation_id": record.conversation_id,
    })
    if record.channel in CALLBACK_CHANNELS:
        phone = record.fields.get("phone")
        callbacks.create(who, NewCallback(
            channel=record.channel, conversation_id=record.conversation_id,
            reason=f"status:{record.status}", phone=str(phone) if phone else None, note=note,
            case_number=record.case_number, service=record.service,
            department_id=record.department_id))
    return present_case(record, _names(departments), who)


@router.post("/cases/{case_number}/assignment", response_model=CaseOut, tags=["cases"],
             responses=errors(403, 404, 422))
def assign_case(case_number: str, body: Assignment, who: Principal = Depends(people_only),
                repo: CaseRepository = Depends(get_repo),
                departments: DepartmentStore = Depends(get_departments)) -> Dict[str, Any]:
    """Reassign the case to a department (staff), or return it to the centre's staff
    (``department: null``; a department may do this with its own cases, with a note)."""
    if not who.is_staff and (body.department is not None or not (body.note or "").strip()):
        raise ApiError(403, "forbidden", "a department may only return its case to the centre, with a note")
    try:
        record = repo.assign(who, case_number_of(case_number), body.department, body.note)
    except CaseNotFound:
        raise ApiError(404, "not_found", "no such case") from None
    except UnknownDepartment:
        raise ApiError(422, "unknown_department", "no department with this id") from None
    logger.info("case %s assigned to %s", record.case_number, record.department_id or "the centre")
    return present_case(record, _names(departments), who)


@router.post("/cases/{case_number}/amendments", response_model=CaseOut, tags=["cases"],
             responses=errors(404, 422))
def amend_case(case_number: str, body: CaseAmendment, who: Principal = Depends(get_principal),
               repo: CaseRepository = Depends(get_repo),
               departments: DepartmentStore = Depends(get_departments)) -> Dict[str, Any]:
    """Add or correct field values of a filed case (the assistant: an emergency's location
    and callback number, a correction the resident said after filing; staff likewise).
    The status stays; the history records which fields changed."""
    try:
        record = repo.amend_fields(who, case_number_of(case_number), dict(body.fields), body.note)
    except CaseNotFound:
        raise ApiError(404, "not_found", "no such case") from None
    logger.info("case %s amended: %s", record.case_number, ",".join(sorted(body.fields)))
    return present_case(record, _names(departments), who)


@router.get("/cases/{case_number}/history", response_model=List[HistoryOut], tags=["cases"],
            responses=errors(404))
def case_history(case_number: str, who: Principal = Depends(get_principal),
                 repo: CaseRepository = Depends(get_repo)) -> List[Dict[str, Any]]:
    """Status changes, amendments and reassignments of a case, oldest first."""
    record = visible_case(repo, who, case_number)
    entries = repo.history(record.case_number) or []
    return [{"status": e.status, "note": scrub_text(e.note) if e.note else e.note,
             "actor": e.actor, "at": local_iso(e.at), "kind": e.kind,
             "department": e.department_id} for e in entries]


@router.get("/cases/{case_number}/fields/{name}", response_model=FieldValueOut, tags=["cases"],
            responses=errors(403, 404))
def reveal_field(case_number: str, name: str = Path(..., regex=r"^[a-z][a-z0-9_]{0,63}$"),
                 who: Principal = Depends(people_only),
                 repo: CaseRepository = Depends(get_repo)) -> Dict[str, Any]:
    """One field unmasked, for staff who need it (to call the resident back); audited."""
    try:
        value = repo.reveal_field(who, case_number_of(case_number), name)
    except CaseNotFound:
        raise ApiError(404, "not_found", "no such case or field") from None
    logger.info("case %s: %s revealed to %s", case_number_of(case_number), name, who.actor)
    return {"name": name, "value": value}


@router.get("/activities", response_model=List[ActivityOut], tags=["activities"])
def list_activities(repo: CaseRepository = Depends(get_repo)) -> List[Dict[str, Any]]:
    """The centre's activity catalogue with the places left."""
    return [{**row, "starts_at": local_iso(row["starts_at"])} for row in repo.list_activities()]
