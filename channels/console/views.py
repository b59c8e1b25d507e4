"""What the console shows of the queue and of a conversation: always masked, always in words."""
from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from bot.catalogue import CHANNEL_ZH, CONVERSATION_TOPIC_ZH, FIELD_ZH, HANDOFF_REASON_ZH
from channels.console.case_views import value_zh
from channels.console.masking import is_personal, mask_slot, mask_slots, mask_text
from nlu.rules.vocab import LABELS_ZH
from state.handoff import Handoff

# Collected values staff see in the conversation panel (internal bookkeeping slots are not).
SHOWN_SLOTS = tuple(FIELD_ZH) + ("emergency_case_number",)
SLOT_LABELS = {**FIELD_ZH, "emergency_case_number": "紧急求助单号"}
# What a queue line's summary names first, when collected.
SUMMARY_SLOTS = ("emergency_type", "repair_category", "service_type", "consultation_type",
                 "cert_method", "kind", "address", "phone", "person_name")
SAID = "原话："
SYSTEM_LINES = {"pause": "工作人员已接管，智能助手暂停", "resume": "已交回智能助手"}
# Channels whose output can reach the resident when staff reply (they push).
PUSH_CHANNELS = ("webchat", "wechat")
CHANNEL_NOTES = {
    "rest": "该会话来自接口（REST）渠道：工作人员的回复送不到居民，只记录在会话里。请改用电话联系或安排回电。",
    "voice": "电话来电：文字回复无法送达来电居民。请安排回电，回电任务会进入负责部门的队列。",
}


def slot_zh(name: str, value: Any) -> str:
    """One collected value for display: masked when personal, in words when a code."""
    if name == "handoff_reason":
        return HANDOFF_REASON_ZH.get(str(value), "其他原因")
    if is_personal(name):
        return str(mask_slot(name, value))
    return mask_text(value_zh(name, value), {})


def said_of(summary: str) -> str:
    """What the resident said, as the assistant recorded it in the handoff's summary."""
    return summary.split(SAID, 1)[1].strip() if SAID in summary else ""


def summary_zh(handoff: Handoff) -> str:
    """A queue line's summary in words: what was collected, then what the resident said."""
    bits = [f"{SLOT_LABELS[name]}：{slot_zh(name, handoff.slots[name])}" for name in SUMMARY_SLOTS
            if handoff.slots.get(name) not in (None, "", [])]
    said = mask_text(said_of(handoff.summary), handoff.slots)
    parts = ["，".join(bits)] + ([f"原话：{said}"] if said else [])
    return "；".join(p for p in parts if p) or "（居民还没有说明具体事项）"


def badge_zh(handoff: Handoff) -> str:
    """紧急 · 有人摔倒 for an emergency; the reason in words otherwise."""
    if handoff.urgent:
        kind = handoff.slots.get("emergency_type")
        return "紧急 · " + (LABELS_ZH["emergency_type"].get(str(kind), "紧急求助") if kind else "紧急求助")
    return HANDOFF_REASON_ZH.get(handoff.reason, "其他原因")


def service_zh(service: str | None) -> str:
    return CONVERSATION_TOPIC_ZH.get(service or "", "未在办理业务")


def queue_item(handoff: Handoff, owner: str | None, now: float | None = None) -> dict[str, Any]:
    item = asdict(handoff)
    item.update(
        slots=mask_slots(handoff.slots),
        summary=summary_zh(handoff),
        reason_zh=HANDOFF_REASON_ZH.get(handoff.reason, "其他原因"),
        badge=badge_zh(handoff),
        # an emergency is queued before its form starts, with no service named yet
        service_zh=service_zh(handoff.service or ("emergency_help" if handoff.reason == "emergency" else None)),
        channel_zh=CHANNEL_ZH.get(handoff.channel, "其他渠道"),
        waiting_s=int((now or time.time()) - handoff.requested_at),
        owner=owner,
    )
    return item


def panel_state(handoff: Handoff | None, owner: str | None, me: str) -> tuple[str, str]:
    """Where the conversation stands, as a code for the page and in words."""
    if owner == me:
        return "mine", "由您接管"
    if owner:
        return "taken", f"由 {owner} 接管"
    if handoff is not None:
        return "waiting", "等待接管"
    return "assistant", "智能助手接待中（不在人工队列）"


def channel_note(channel: str | None) -> str | None:
    """What staff must know before replying on this channel (None: replies reach the resident)."""
    return None if channel in PUSH_CHANNELS else CHANNEL_NOTES.get(channel or "", CHANNEL_NOTES["rest"])


def slot_rows(slots: dict[str, Any]) -> list[dict[str, Any]]:
    """Collected slots for display: labelled, masked, in words, and whether they can be revealed."""
    return [{"name": name, "label": SLOT_LABELS[name], "value": slot_zh(name, value),
             "personal": is_personal(name)}
            for name, value in slots.items()
            if name in SHOWN_SLOTS and value not in (None, "", [], {})]


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
        return dict(base, role="system", text=f"转人工：{HANDOFF_REASON_ZH.get(event['value'], '其他原因')}")
    return None


def transcript(events: list[dict[str, Any]], slots: dict[str, Any]) -> list[dict[str, Any]]:
    return [line for line in (transcript_line(e, slots) for e in events) if line]
