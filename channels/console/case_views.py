"""What staff read of a case: words for every code (one table each), values as the back
office masked them, times in local words. Pure functions over the back office's JSON."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.catalogue import CHANNEL_ZH, FIELD_ZH, SERVICE_ZH, STATUS_SHORT_ZH
from channels.console.masking import is_personal
from nlu.rules.vocab import LABELS_ZH

WEEKDAYS = "一二三四五六日"
# The fields that say which kind of work a case is, in the order they are looked for.
CATEGORY_FIELDS = ("repair_category", "service_type", "consultation_type", "cert_method",
                   "emergency_type", "kind")
TIME_FIELDS = ("appointment_time", "preferred_time")
HIDDEN_FIELDS = ("building", "unit", "room", "activity_id")  # said again in the address / title


def readable_time(value: Any) -> str:
    """2026-12-02T09:00 → 2026年12月2日（周三）09:00; a date alone without the time."""
    text = str(value)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return "随时都可以" if text == "any" else text
    day = f"{moment.year}年{moment.month}月{moment.day}日（周{WEEKDAYS[moment.weekday()]}）"
    return day if len(text) <= 10 else f"{day}{moment.hour:02d}:{moment.minute:02d}"


def value_zh(name: str, value: Any) -> str:
    """One field's value in words: code values through the label table, times, counts."""
    if isinstance(value, list):
        return "、".join(value_zh(name, v) for v in value)
    if name in LABELS_ZH:
        return LABELS_ZH[name].get(str(value), str(value))
    if name in TIME_FIELDS:
        return readable_time(value)
    if name == "grade":
        return f"{value}年级"
    if name in ("participants", "household_size"):
        return f"{value}人"
    return str(value)


def category_zh(case: dict[str, Any]) -> str:
    fields = case.get("fields") or {}
    name = next((n for n in CATEGORY_FIELDS if fields.get(n) not in (None, "")), None)
    return value_zh(name, fields[name]) if name else ""


def created_zh(iso: str) -> str:
    """The back office's +08:00 time as 2026-12-07 10:15."""
    return iso[:16].replace("T", " ") if iso else ""


def case_row(case: dict[str, Any]) -> dict[str, Any]:
    """One line of the case list."""
    fields = case.get("fields") or {}
    return {
        "case_number": case["case_number"],
        "service_zh": SERVICE_ZH.get(case["service"], "其他业务"),
        "category_zh": category_zh(case),
        "status": case["status"],
        "status_zh": STATUS_SHORT_ZH.get(case["status"], "未知状态"),
        "department_name": case.get("department_name") or "待分派",
        "channel_zh": CHANNEL_ZH.get(case["channel"], "其他渠道"),
        "phone": value_zh("phone", fields["phone"]) if fields.get("phone") else "—",
        "created": created_zh(case.get("created_at", "")),
        "urgent": case.get("priority") == "urgent",
    }


def field_rows(fields: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's fields, labelled, in words, masked as the back office sent them."""
    return [{"name": name, "label": FIELD_ZH.get(name, "其他信息"), "value": value_zh(name, value),
             "personal": is_personal(name)}
            for name, value in fields.items() if value not in (None, "", []) and name not in HIDDEN_FIELDS]


def case_view(case: dict[str, Any]) -> dict[str, Any]:
    """The case page's header and fields."""
    return dict(case_row(case), fields=field_rows(case.get("fields") or {}),
                department=case.get("department"),
                needs_caseworker=case.get("needs_caseworker", False),
                next_statuses=[{"status": s, "label": STATUS_SHORT_ZH.get(s, s)}
                               for s in case.get("next_statuses") or []],
                conversation_id=case.get("conversation_id"))


def history_line(entry: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """One entry of the case's history as a sentence."""
    kind, note = entry.get("kind") or "status", entry.get("note")
    department = names.get(entry.get("department") or "", "社区服务中心（待分派）")
    if kind == "created":
        text = f"提交办件，分派至{department}" if entry.get("department") else "提交办件，等待分派"
    elif kind == "assigned":
        text = f"改派至{department}"
    elif kind == "amended":
        text, note = "补充或更正信息", amended_zh(note)
    else:
        text = f"状态改为“{STATUS_SHORT_ZH.get(entry.get('status', ''), '未知状态')}”"
    return {"at": created_zh(entry.get("at", "")), "actor": actor_zh(entry.get("actor", "")),
            "text": text, "note": note, "kind": kind}


def amended_zh(note: str | None) -> str | None:
    """The back office's "补充/更正：phone、address（…）" with the fields in words."""
    head = "补充/更正："
    if not note or not note.startswith(head):
        return note
    names, bracket, rest = note[len(head):].partition("（")
    words = "、".join(FIELD_ZH.get(n, "其他信息") for n in names.split("、") if n)
    return head + words + (bracket + rest if bracket else "")


def actor_zh(actor: str) -> str:
    """Who acted: staff by their account name, the assistant and the system in words."""
    return {"assistant": "智能助手", "staff": "工作人员", "retention": "数据保留（系统）"}.get(actor, actor)
