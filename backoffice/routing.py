"""Who does the work: departments and providers, and the routing table by service and category.

Pure functions and the seed data; storage is in :mod:`backoffice.repository`.
A new case goes to the department of the most specific routing row: its service
and category (a repair's ``repair_category``, a home service's ``service_type``...),
else its service, else the default row (service ``*``). No row: the case waits
unassigned for the centre's staff.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional, Sequence

ANY_SERVICE = "*"

# The field of each service that says which kind of work it is.
CATEGORY_FIELDS: dict[str, str] = {
    "property_repair": "repair_category",
    "elderly_home_service": "service_type",
    "consultation_booking": "consultation_type",
    "social_security_certification": "cert_method",
    "emergency_help": "emergency_type",
    "complaint_suggestion": "kind",
}

# (department_id, name, kind): the centre's usual partners; staff add their own.
SEED_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("centre", "社区服务中心综合窗口", "centre"),
    ("property", "物业公司", "property_company"),
    ("civil_window", "民政/社保窗口", "government_window"),
    ("home_care", "居家养老服务商", "provider"),
    ("social_work", "社工机构", "social_work"),
    ("grid", "网格员", "grid"),
)

# (service, category or None, department_id)
SEED_RULES: tuple[tuple[str, Optional[str], str], ...] = (
    ("property_repair", None, "property"),
    ("social_security_certification", None, "civil_window"),
    ("elderly_allowance", None, "civil_window"),
    ("residence_permit", None, "civil_window"),
    ("subsistence_allowance", None, "social_work"),
    ("elderly_home_service", None, "home_care"),
    ("after_school_care", None, "social_work"),
    ("activity_signup", None, "centre"),
    ("consultation_booking", None, "centre"),
    ("consultation_booking", "psychological", "social_work"),
    ("complaint_suggestion", None, "centre"),
    ("complaint_suggestion", "complaint", "grid"),
    ("emergency_help", None, "grid"),
    (ANY_SERVICE, None, "centre"),
)


@dataclass(frozen=True)
class Rule:
    service: str
    category: Optional[str]
    department_id: str


def category_of(service: str, fields: Mapping[str, Any]) -> Optional[str]:
    """The case's category value, or None when the service has none or it is missing."""
    name = CATEGORY_FIELDS.get(service)
    value = fields.get(name) if name else None
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value) if value not in (None, "") else None


def route(service: str, fields: Mapping[str, Any], rules: Iterable[Rule]) -> Optional[str]:
    """The department for a new case by the most specific matching rule."""
    category = category_of(service, fields)
    best: Optional[tuple[int, str]] = None
    for rule in rules:
        score = _specificity(rule, service, category)
        if score is not None and (best is None or score > best[0]):
            best = (score, rule.department_id)
    return best[1] if best else None


def _specificity(rule: Rule, service: str, category: Optional[str]) -> Optional[int]:
    if rule.service == service:
        if rule.category is None:
            return 2
        return 3 if rule.category == category else None
    if rule.service == ANY_SERVICE and rule.category is None:
        return 1
    return None


def duplicate_rows(rules: Sequence[Rule]) -> list[tuple[str, Optional[str]]]:
    """(service, category) pairs named more than once: a table with them is ambiguous."""
    seen: set[tuple[str, Optional[str]]] = set()
    twice = []
    for rule in rules:
        key = (rule.service, rule.category)
        if key in seen:
            twice.append(key)
        seen.add(key)
    return twice
