"""Figures for the analytics page, computed from the events stream (pure, no I/O)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from bot.catalogue import CONVERSATION_TOPIC_ZH, HANDOFF_REASON_ZH
from channels.console.masking import scrub

SERVICES = CONVERSATION_TOPIC_ZH
REASONS = HANDOFF_REASON_ZH
UNHANDLED_INTENTS = ("nlu_fallback", "out_of_scope")
# The slots a filed case's number is set in (the forms use last_case_number; the same
# number set in both counts once).
CASE_SLOTS = ("case_number", "last_case_number")


@dataclass
class Figures:
    conversations_per_day: Counter = field(default_factory=Counter)
    cases_per_day: Counter = field(default_factory=Counter)
    conversations_per_service: Counter = field(default_factory=Counter)
    cases_per_service: Counter = field(default_factory=Counter)
    handoffs_per_reason: Counter = field(default_factory=Counter)
    unhandled: Counter = field(default_factory=Counter)
    # What residents asked that the centre does not offer (out_of_scope) and what the
    # assistant did not understand (nlu_fallback), each counted by what was said.
    unmet_by_kind: dict = field(default_factory=lambda: {k: Counter() for k in UNHANDLED_INTENTS})
    conversations_per_hour: Counter = field(default_factory=Counter)
    conversations: int = 0
    forms_started: int = 0
    forms_completed: int = 0

    def completion_rate(self) -> float | None:
        return self.forms_completed / self.forms_started if self.forms_started else None

    def handoff_rates(self) -> dict[str, float]:
        total = self.conversations or 1
        return {reason: n / total for reason, n in self.handoffs_per_reason.most_common()}


@dataclass
class _Conversation:
    first_hour: int | None = None
    days: set = field(default_factory=set)
    services: set = field(default_factory=set)
    current_service: str | None = None
    forms: set = field(default_factory=set)
    cases: set = field(default_factory=set)
    reasons: set = field(default_factory=set)


def _service_of(event: dict[str, Any]) -> str | None:
    if event.get("event") == "user":
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        name = name.split("/")[0]
        return name if name in SERVICES else None
    loop = event.get("name") or ""
    return loop[:-5] if event.get("event") == "active_loop" and loop.endswith("_form") else None


def compute(events: Iterable[dict[str, Any]], tz: str = "Asia/Shanghai") -> Figures:
    zone = ZoneInfo(tz)
    convs: dict[str, _Conversation] = defaultdict(_Conversation)
    figures = Figures()
    for event in events:
        conv = convs[event.get("sender_id") or ""]
        moment = datetime.fromtimestamp(float(event.get("timestamp") or 0), zone)
        if event.get("event") == "user" and conv.first_hour is None:
            conv.first_hour = moment.hour
        _apply(event, conv, moment.strftime("%Y-%m-%d"), figures)
    for conv in convs.values():
        if not conv.days:
            continue
        figures.conversations += 1
        figures.conversations_per_hour[conv.first_hour] += 1
        for day in conv.days:
            figures.conversations_per_day[day] += 1
        for service in conv.services:
            figures.conversations_per_service[service] += 1
        for reason in conv.reasons:
            figures.handoffs_per_reason[reason] += 1
        figures.forms_started += len(conv.forms)
        figures.forms_completed += len({s for s in conv.forms if any(c[0] == s for c in conv.cases)})
    return figures


def _apply(event: dict[str, Any], conv: _Conversation, day: str, figures: Figures) -> None:
    kind = event.get("event")
    service = _service_of(event)
    if service:
        conv.services.add(service)
        conv.current_service = service
    if kind == "user":
        conv.days.add(day)
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in UNHANDLED_INTENTS and event.get("text"):
            said = scrub(str(event["text"]))[:60]
            figures.unhandled[said] += 1
            figures.unmet_by_kind[intent][said] += 1
    elif kind == "active_loop" and service:
        conv.forms.add(service)
    elif kind == "slot" and event.get("value"):
        if event.get("name") == "handoff_reason":
            conv.reasons.add(str(event["value"]))
        elif event.get("name") in CASE_SLOTS:
            key = (conv.current_service or "unknown", str(event["value"]))
            if key not in conv.cases:
                conv.cases.add(key)
                figures.cases_per_day[day] += 1
                figures.cases_per_service[key[0]] += 1
