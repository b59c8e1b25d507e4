"""Request and response models (pydantic v1: Rasa pins it)."""
from __future__ import annotations

from enum import Enum
from typing import Any, Dict, List, Optional, Union

from pydantic import BaseModel, Field, StrictBool, StrictFloat, StrictInt, conlist, constr, validator

MAX_FIELDS = 50


class Service(str, Enum):
    """The services of SERVICES.md section 1 that end in a case."""

    property_repair = "property_repair"
    social_security_certification = "social_security_certification"
    elderly_allowance = "elderly_allowance"
    residence_permit = "residence_permit"
    elderly_home_service = "elderly_home_service"
    after_school_care = "after_school_care"
    activity_signup = "activity_signup"
    consultation_booking = "consultation_booking"
    subsistence_allowance = "subsistence_allowance"
    complaint_suggestion = "complaint_suggestion"
    emergency_help = "emergency_help"


class Status(str, Enum):
    received = "received"
    accepted = "accepted"
    in_progress = "in_progress"
    done = "done"
    rejected = "rejected"


class Priority(str, Enum):
    normal = "normal"
    urgent = "urgent"


FieldName = constr(regex=r"^[a-z][a-z0-9_]{0,63}$")
FieldText = constr(strict=True, max_length=2000)
# Order matters in pydantic v1 unions: bool before int, strict types so "1" stays a string.
FieldScalar = Union[StrictBool, StrictInt, StrictFloat, FieldText, None]
# A Rasa slot filled by two entities holds a list: accept short flat lists of scalars.
FieldValue = Union[FieldScalar, conlist(FieldScalar, max_items=20)]


class CaseCreate(BaseModel):
    service: Service
    fields: Dict[FieldName, FieldValue] = Field(
        ..., description="Normalised values named as in SERVICES.md section 3"
    )
    channel: constr(strict=True, strip_whitespace=True, min_length=1, max_length=64)
    conversation_id: constr(strict=True, min_length=1, max_length=128)
    idempotency_key: constr(strict=True, min_length=1, max_length=128)
    priority: Optional[Priority] = Field(
        None, description="Defaults to normal; emergency_help is always urgent"
    )
    needs_caseworker: Optional[StrictBool] = Field(
        None, description="Defaults to false; subsistence_allowance always needs one"
    )

    @validator("fields")
    def _not_too_many(cls, value: Dict[str, Any]) -> Dict[str, Any]:
        if len(value) > MAX_FIELDS:
            raise ValueError(f"at most {MAX_FIELDS} fields")
        return value


class StatusUpdate(BaseModel):
    status: Status
    note: Optional[constr(strict=True, max_length=1000)] = None


class CaseAmendment(BaseModel):
    """Values added to or corrected in a filed case (an emergency's location, a phone
    said wrongly at first); merged into ``fields``. ``null`` removes a value."""
    fields: Dict[str, Any]
    note: Optional[constr(strict=True, max_length=1000)] = None


class CaseOut(BaseModel):
    case_number: str = Field(..., example="SQ20261128-000123")
    service: Service
    status: Status
    priority: Priority
    needs_caseworker: bool
    channel: str
    conversation_id: str
    fields: Dict[str, Any] = Field(..., description="Personal data masked")
    created_at: str = Field(..., example="2026-11-28T10:15:00+08:00")
    updated_at: str
    department: Optional[str] = Field(None, description="Department the case is routed to; null: "
                                                         "waiting for the centre's staff", example="property")
    department_name: Optional[str] = Field(None, example="物业公司")
    next_statuses: List[Status] = Field(
        [], description="Statuses the caller may move the case to (empty for the assistant)")


class HistoryOut(BaseModel):
    status: Status
    note: Optional[str]
    actor: str
    at: str
    kind: str = Field("status", description="created, status, amended or assigned")
    department: Optional[str] = Field(None, description="The case's department after the entry")


DepartmentId = constr(strict=True, regex=r"^[a-z][a-z0-9_]{1,31}$")
ShortText = constr(strict=True, strip_whitespace=True, min_length=1, max_length=64)
NoteText = constr(strict=True, strip_whitespace=True, min_length=1, max_length=1000)


class Assignment(BaseModel):
    department: Optional[DepartmentId] = Field(..., description="null: back to the centre's staff")
    note: Optional[constr(strict=True, max_length=1000)] = None


class NoteIn(BaseModel):
    text: NoteText


class NoteOut(BaseModel):
    text: str
    author: str
    department: Optional[str]
    at: str


class FieldValueOut(BaseModel):
    name: str
    value: Any = Field(..., description="Unmasked; the reveal is recorded in the audit log")


class DepartmentIn(BaseModel):
    department_id: DepartmentId
    name: ShortText = Field(..., example="阳光物业")
    kind: constr(strict=True, regex=r"^[a-z_]{1,32}$") = "other"


class DepartmentPatch(BaseModel):
    name: Optional[ShortText] = None
    active: Optional[StrictBool] = None


class DepartmentOut(BaseModel):
    department_id: str
    name: str
    kind: str
    active: bool


class RoutingRule(BaseModel):
    service: constr(strict=True, regex=r"^(\*|[a-z_]{1,64})$") = Field(..., description="A service, or * for the default")
    category: Optional[constr(strict=True, regex=r"^[a-z_]{1,64}$")] = Field(
        None, description="The service's category value (repair_category, service_type, ...)")
    department: DepartmentId

    @validator("service")
    def _known_service(cls, value: str) -> str:
        if value != "*" and value not in Service.__members__:
            raise ValueError("unknown service")
        return value


class RoutingTable(BaseModel):
    rules: conlist(RoutingRule, max_items=200)


class TokenIn(BaseModel):
    label: constr(strict=True, strip_whitespace=True, max_length=64) = ""


class TokenOut(BaseModel):
    department: str
    token: str = Field(..., description="Shown once; only its hash is kept")


class ServiceFieldsOut(BaseModel):
    service: Service
    required: List[str]
    optional: List[str]
    extra: List[str] = Field(..., description="Carried when present (parts of an address)")
    required_when: Dict[str, Dict[str, List[str]]] = Field(
        ..., description="Fields required when another field has one of the values")
    category_field: Optional[str] = Field(None, description="The field the routing table's category is")


class AuditOut(BaseModel):
    at: str
    actor: str
    role: str
    department: Optional[str]
    action: str
    case_number: Optional[str]
    detail: str


class CallbackStatus(str, Enum):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class CallbackIn(BaseModel):
    channel: constr(strict=True, strip_whitespace=True, min_length=1, max_length=64)
    conversation_id: constr(strict=True, min_length=1, max_length=128)
    phone: Optional[constr(strict=True, max_length=32)] = None
    note: Optional[constr(strict=True, max_length=1000)] = None
    case_number: Optional[constr(strict=True, regex=r"^[A-Za-z0-9-]{1,32}$")] = None
    service: Optional[Service] = None
    department: Optional[DepartmentId] = Field(
        None, description="Defaults to the case's department, else the routing table's for the service")


class CallbackClose(BaseModel):
    status: CallbackStatus
    result: Optional[constr(strict=True, max_length=1000)] = None

    @validator("status")
    def _closing(cls, value: CallbackStatus) -> CallbackStatus:
        if value is CallbackStatus.open:
            raise ValueError("a callback is closed as done or cancelled")
        return value


class CallbackOut(BaseModel):
    callback_id: int
    department: Optional[str]
    case_number: Optional[str]
    service: Optional[str]
    channel: str
    conversation_id: str
    reason: str = Field(..., description="takeover, or status:<status> for a phone caller's case")
    phone: Optional[str] = Field(None, description="Masked")
    note: Optional[str]
    status: CallbackStatus
    created_by: str
    created_at: str
    closed_at: Optional[str]
    closed_by: Optional[str]
    result: Optional[str]


class DurationOut(BaseModel):
    count: int
    median_minutes: Optional[float]
    p90_minutes: Optional[float]


class StatsOut(BaseModel):
    total: int
    by_department: Dict[str, Dict[str, int]] = Field(
        ..., description="Cases per department (\"unassigned\" for none) and status")
    time_to_first_action: Dict[str, DurationOut] = Field(
        ..., description="Filing to the first action by a person, per department and \"*\" for all")
    time_to_done: Dict[str, DurationOut]
    by_service: Dict[str, int]
    by_hour: Dict[int, int] = Field(..., description="Cases filed per local hour of the day")


class ActivityOut(BaseModel):
    activity_id: str
    title: str
    description: str
    location: str
    starts_at: str = Field(..., example="2026-12-03T14:30:00+08:00")
    capacity: int
    remaining: int


class ErrorOut(BaseModel):
    error: str = Field(..., example="not_found")
    detail: Union[str, List[Dict[str, Any]]]


class HealthOut(BaseModel):
    status: str
    schema_version: int
