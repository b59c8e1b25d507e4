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


class HistoryOut(BaseModel):
    status: Status
    note: Optional[str]
    actor: str
    at: str


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
