"""The fields of each service's case (SERVICES.md section 3), for whoever files one.

Staff completing a resident's form in the console ask the back office which
fields a service needs (``GET /api/v1/services``) rather than keeping a copy.
"""
from __future__ import annotations

from typing import Any, Dict, List

from backoffice.routing import CATEGORY_FIELDS

_ADDRESS_PARTS = ["building", "unit", "room"]

# required, optional, extra (carried when present), and fields required only when
# another field has one of some values.
SERVICE_FIELDS: Dict[str, Dict[str, Any]] = {
    "property_repair": {"required": ["address", "repair_category", "description", "phone"],
                        "optional": ["preferred_time"], "extra": _ADDRESS_PARTS},
    "social_security_certification": {
        "required": ["person_name", "id_number", "phone", "cert_method"],
        "optional": [], "extra": _ADDRESS_PARTS,
        "required_when": {"appointment_time": {"cert_method": ["home_visit", "window"]},
                          "address": {"cert_method": ["home_visit"]}}},
    "elderly_allowance": {"required": ["person_name", "id_number", "phone", "address"],
                          "optional": [], "extra": _ADDRESS_PARTS},
    "residence_permit": {"required": ["person_name", "id_number", "phone", "appointment_time"],
                         "optional": [], "extra": []},
    "elderly_home_service": {
        "required": ["service_type", "person_name", "address", "phone", "appointment_time"],
        "optional": ["frequency"], "extra": _ADDRESS_PARTS},
    "after_school_care": {"required": ["child_name", "grade", "guardian_name", "phone"],
                          "optional": [], "extra": []},
    "activity_signup": {"required": ["activity_id", "participants", "person_name", "phone"],
                        "optional": [], "extra": []},
    "consultation_booking": {
        "required": ["consultation_type", "person_name", "phone", "appointment_time", "topic"],
        "optional": [], "extra": []},
    "subsistence_allowance": {"required": ["person_name", "phone"],
                              "optional": ["household_size", "situation"], "extra": _ADDRESS_PARTS},
    "complaint_suggestion": {"required": ["kind", "content"], "optional": ["phone"], "extra": []},
    "emergency_help": {"required": ["emergency_type"], "optional": ["address", "phone"],
                       "extra": _ADDRESS_PARTS},
}


def describe_services() -> List[Dict[str, Any]]:
    """The catalogue as the API shows it."""
    return [{"service": name, "required": spec["required"], "optional": spec["optional"],
             "extra": spec["extra"], "required_when": spec.get("required_when", {}),
             "category_field": CATEGORY_FIELDS.get(name)}
            for name, spec in SERVICE_FIELDS.items()]

