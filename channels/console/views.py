"""What the console shows of the queue and of a conversation: always masked."""
from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from channels.console.analytics import REASONS, SERVICES
from channels.console.masking import is_personal, mask_slot, mask_slots, mask_text
from state.handoff import Handoff

HIDDEN_SLOTS = ("requested_slot", "validation_failures", "session_started_metadata",
                "clarify_options", "offered_times", "profile_declined")
LABELS = {
    "person_name": "姓名", "id_number": "身份证号", "phone": "联系电话", "address": "地址",
    "building": "楼号", "unit": "单元", "room": "房号", "repair_category": "问题类别",
    "description": "情况描述", "preferred_time": "希望上门时间", "cert_method": "认证方式",
    "appointment_time": "预约时间", "service_type": "服务项目", "child_name": "孩子姓名",
    "guardian_name": "监护人", "case_number": "业务单号", "last_case_number": "最近业务单号",
    "handoff_reason": "转人工原因", "emergency_type": "紧急情况", "topic": "咨询问题",
    "situation": "家庭情况", "content": "内容",
}
SYSTEM_LINES = {"pause": "工作人员已接管，智能助手暂停", "resume": "已交回智能助手"}


def queue_item(handoff: Handoff, owner: str | None, now: float | None = None) -> dict[str, Any]:
    item = asdict(handoff)
    item.update(
        slots=mask_slots(handoff.slots),
        summary=mask_text(handoff.summary, handoff.slots),
        reason_zh=REASONS.get(handoff.reason, handoff.reason),
        service_zh=SERVICES.get(handoff.service or "", "未在办理业务"),
        waiting_s=int((now or time.time()) - handoff.requested_at),
        owner=owner,
    )
    return item


def slot_rows(slots: dict[str, Any]) -> list[dict[str, Any]]:
    """Collected slots for display: masked value and whether it can be revealed."""
    rows = []
    for name, value in slots.items():
        if value in (None, "", [], {}) or name in HIDDEN_SLOTS:
            continue
        rows.append({"name": name, "label": LABELS.get(name, name), "value": mask_slot(name, value),
                     "personal": is_personal(name)})
    return rows


def transcript_line(event: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any] | None:
    """One line of the transcript from one tracker event, or None for bookkeeping events."""
    kind = event.get("event")
    base = {"id": event.get("stream_id"), "at": event.get("timestamp")}
    if kind == "user":
        return dict(base, role="resident", text=mask_text(str(event.get("text") or ""), slots),
                    channel=event.get("input_channel"))
    if kind == "bot" and event.get("text"):
        staff = (event.get("metadata") or {}).get("staff")
        return dict(base, role="staff" if staff else "bot", staff=staff,
                    text=mask_text(str(event["text"]), slots))
    if kind in SYSTEM_LINES:
        return dict(base, role="system", text=SYSTEM_LINES[kind])
    if kind == "slot" and event.get("name") == "handoff_reason" and event.get("value"):
        return dict(base, role="system", text=f"转人工：{REASONS.get(event['value'], event['value'])}")
    return None


def transcript(events: list[dict[str, Any]], slots: dict[str, Any]) -> list[dict[str, Any]]:
    return [line for line in (transcript_line(e, slots) for e in events) if line]
