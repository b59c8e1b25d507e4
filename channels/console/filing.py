"""A resident's form in progress as staff see and complete it (pure functions, no I/O).

The fields a service's case needs come from the back office (`GET /api/v1/services`);
what the resident already said comes from the conversation's slots (named as the case
fields). Staff fill what is missing; the values are checked as the assistant checks them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.catalogue import FIELD_ZH
from channels.console.masking import is_personal
from channels.console.views import slot_zh
from nlu.rules.id_number import id_problem, normalise_id
from nlu.rules.phone import phone_problem
from nlu.rules.vocab import LABELS_ZH

TIME_INPUTS = ("appointment_time", "preferred_time")
NUMBER_INPUTS = {"grade": (1, 6), "participants": (1, 5), "household_size": (1, 20)}
# Kept after filing, as the assistant keeps them for the resident's next request.
KEPT_AFTER_FILING = ("person_name", "phone", "address", "building", "unit", "room", "guardian_name")
ANY_TIME = "any"  # a repair visit "any time": asked and answered, nothing to file


def form_service(slots: dict[str, Any], active_loop: str | None, queued_service: str | None,
                 known: set[str]) -> str | None:
    """The service whose form the resident is in: active, paused for staff, else the one
    the queue names unless it was just filed."""
    for form in (active_loop, slots.get("paused_form")):
        if form and form.endswith("_form") and form[: -len("_form")] in known:
            return form[: -len("_form")]
    if queued_service in known and slots.get("last_service") != queued_service:
        return queued_service
    return None


def needed(spec: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """Required fields of the service, with those another value makes required."""
    fields = list(spec["required"])
    for name, condition in (spec.get("required_when") or {}).items():
        if any(values.get(other) in allowed for other, allowed in condition.items()):
            fields.append(name)
    return fields


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def input_of(name: str) -> dict[str, Any]:
    """How staff enter a field: a choice for code values, a time, a number or text."""
    if name in LABELS_ZH:
        return {"type": "select", "options": [{"value": v, "label": w} for v, w in LABELS_ZH[name].items()]}
    if name in TIME_INPUTS:
        return {"type": "datetime-local"}
    if name in NUMBER_INPUTS:
        low, high = NUMBER_INPUTS[name]
        return {"type": "number", "min": low, "max": high}
    return {"type": "tel" if name == "phone" else "text"}


def pending_view(service: str, spec: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any]:
    """Collected values (masked, in words) and what is missing, field by field."""
    required = needed(spec, slots)
    rows = []
    for name in required + [n for n in spec["optional"] if n not in required]:
        value = slots.get(name)
        rows.append({"name": name, "label": FIELD_ZH.get(name, "其他信息"), "required": name in required,
                     "missing": name in required and not _present(value),
                     "value": slot_zh(name, value) if _present(value) else "",
                     "personal": is_personal(name), "input": input_of(name)})
    return {"service": service, "fields": rows, "missing": [r["label"] for r in rows if r["missing"]]}


def checked_value(name: str, raw: Any) -> tuple[Any, str | None]:
    """A staff-entered value normalised as the assistant stores it, or why it is refused."""
    text = str(raw).strip()
    label = FIELD_ZH.get(name, "该项")
    if name == "phone":
        problem = phone_problem(text)
        return ("".join(ch for ch in text if ch.isdigit()), None) if problem is None else (None, f"{label}：{problem}")
    if name == "id_number":
        problem = id_problem(text)
        return (normalise_id(text), None) if problem is None else (None, f"{label}：{problem}")
    if name in LABELS_ZH:
        return (text, None) if text in LABELS_ZH[name] else (None, f"{label}：请从列表里选择")
    if name in TIME_INPUTS:
        try:
            return datetime.fromisoformat(text).strftime("%Y-%m-%dT%H:%M"), None
        except ValueError:
            return None, f"{label}：请选择日期和时间"
    if name in NUMBER_INPUTS:
        low, high = NUMBER_INPUTS[name]
        ok = text.isdigit() and low <= int(text) <= high
        return (int(text), None) if ok else (None, f"{label}：应为 {low} 到 {high} 的整数")
    if not text or len(text) > 500:
        return None, f"{label}：请填写（不超过500字）"
    return text, None


def merge(spec: dict[str, Any], slots: dict[str, Any],
          entered: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The slots with staff's values for the service's fields; and what was refused."""
    names = set(spec["required"]) | set(spec["optional"]) | set(spec.get("required_when") or {})
    merged, problems = dict(slots), []
    for name, raw in entered.items():
        if name not in names or not _present(raw):
            continue
        value, problem = checked_value(name, raw)
        if problem:
            problems.append(problem)
        else:
            merged[name] = value
    return merged, problems


def case_fields(spec: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """What is filed: the service's fields that have a value (as the assistant files them)."""
    names = list(dict.fromkeys(needed(spec, values) + spec["optional"] + spec["extra"]))
    return {n: values[n] for n in names if _present(values.get(n)) and values.get(n) != ANY_TIME}


def after_filing_events(spec: dict[str, Any], service: str, case_number: str,
                        entered: dict[str, Any]) -> list[dict[str, Any]]:
    """Tracker events once staff filed: the form is done, nothing resumes it and a later
    对 files nothing; the resident's contact details stay for their next request."""
    done = set(spec["required"]) | set(spec["optional"]) | set(spec.get("required_when") or {})
    cleared = sorted(done - set(KEPT_AFTER_FILING)) + ["paused_form", "requested_slot", "confirm",
                                                        "form_stopped", "handoff_reason"]
    events = [{"event": "slot", "name": n, "value": v} for n, v in entered.items() if n in KEPT_AFTER_FILING]
    events += [{"event": "slot", "name": n, "value": None} for n in cleared]
    events += [{"event": "slot", "name": "last_case_number", "value": case_number},
               {"event": "slot", "name": "last_service", "value": service}]
    return events
