"""Reminders offered after filing, in plain words, and planned when the resident agrees.

One question after a case is filed, never more: it names the remembered profile
(when that is still to be asked) and each kind of reminder this case allows that
the resident has not answered before. 好 grants exactly the kinds named and queues
their reminders; 不用 is kept, so the question is not asked again. 退订 at any time
withdraws all of it (channels/reminder_replies.py).
"""
from __future__ import annotations

import logging
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from arq.connections import ArqRedis
from rasa_sdk import Tracker

from bot.settings import Settings
from proactive.clock import LOCAL_TZ, Clock
from proactive.planner import (
    APPOINTMENT_SERVICES, allowance80_reminder, appointment_reminder, pension_reminder,
)
from proactive.policy import birth_date
from proactive.queue import ReminderQueue
from proactive.due_dates import DueDate, said_due_date
from proactive.texts import consent_zh
from state.audience import AudienceIndex, Member
from state.redis_conn import async_redis
from state.reminders import ProactiveState, Reminder
from state.residents import ResidentLinks

logger = logging.getLogger(__name__)

OFFER_TAIL = "回复“好”或“不用”。"
PROFILE_PART = "记住您的姓名、电话和地址（保存30天，下次办事不用再说一遍）"


ESTATE = re.compile(r"^(.{2,20}?(小区|花园|家园|新村|公寓|大院|苑|里|村))")


@lru_cache(maxsize=1)
def _clients() -> tuple[ProactiveState, ReminderQueue, AudienceIndex, ResidentLinks]:
    settings = Settings.from_env()
    prefix = settings.redis_key_prefix
    redis = async_redis(settings)
    queue = ReminderQueue(ArqRedis.from_url(settings.redis_url), prefix,
                          f"{prefix}:proactive:jobs", Clock.from_env())
    return (ProactiveState(redis, prefix), queue, AudienceIndex(redis, prefix),
            ResidentLinks(redis, prefix))


def audience_of(slots: dict[str, Any], service: str, channel: str, sender: str) -> dict[str, Any]:
    """What a resident who agrees to notices lets the centre select them by."""
    found = ESTATE.match(str(slots.get("address") or ""))
    born = birth_date(str(slots.get("id_number") or ""))
    return {"channel": channel, "sender": sender, "services": [service] if service else [],
            "estate": found.group(1) if found else "", "building": str(slots.get("building") or ""),
            "birth_year": born.year if born else 0}


def due_said(texts_said: list[str], today: date) -> DueDate | None:
    """The certification due date the resident gave in this conversation, latest first."""
    for text in reversed(texts_said):
        found = said_due_date(text, today)
        if found:
            return found
    return None


def plan(slots: dict[str, Any], service: str, case_number: str, channel: str, sender: str,
         now: datetime, texts_said: list[str] | None = None) -> list[Reminder]:
    """The reminders this filed case allows, at most one per kind."""
    planned: list[Reminder | None] = []
    when = slots.get("appointment_time")
    if when and service in APPOINTMENT_SERVICES:
        appointment = datetime.fromisoformat(str(when)).replace(tzinfo=LOCAL_TZ)
        planned.append(appointment_reminder(case_number, service, appointment, channel, sender,
                                            now, str(slots.get("phone") or "")))
    if service == "social_security_certification":
        said = due_said(texts_said or [], now.date())
        reminder = pension_reminder(case_number, str(slots.get("person_name") or ""),
                                    now.date(), channel, sender, now, said)
        if said:  # the words of the consent question name the resident's date
            reminder.context["due_zh"] = said.zh()
        planned.append(reminder)
        id_number = str(slots.get("id_number") or "")
        born = birth_date(id_number)
        if born and _age(born, now.date()) < 80:
            planned.append(allowance80_reminder(id_number, str(slots.get("person_name") or ""),
                                                channel, sender, now))
    return [r for r in planned if r is not None]


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def offer_text(kinds: list[str], with_profile: bool,
               contexts: dict[str, dict[str, Any]] | None = None) -> str:
    parts = ([PROFILE_PART] if with_profile else []) + (
        ["、".join(consent_zh(k, (contexts or {}).get(k)) for k in kinds)] if kinds else [])
    tail = "以后回复“退订”随时可以取消提醒。" if kinds else ""
    return f"要不要我{'，并'.join(parts)}？{tail}{OFFER_TAIL}"


def is_offer(text: str) -> bool:
    return text.startswith("要不要我") and text.endswith(OFFER_TAIL)


async def reminder_offer(tracker: Tracker, channel: str, case_number: str | None,
                         service: str, with_profile: bool) -> str | None:
    """The question to ask after filing, its offer kept until answered; None: nothing to ask."""
    reminders: list[Reminder] = []
    notices = False
    try:
        state, queue, _, _ = _clients()
        slots = tracker.current_slot_values()
        said = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
        found = plan(slots, service, case_number, channel, tracker.sender_id,
                     queue.clock.now(), said) if case_number else []
        open_kinds = await state.unanswered(channel, tracker.sender_id,
                                            [r.kind for r in found] + ["campaign"])
        reminders = [r for r in found if r.kind in open_kinds]
        notices = bool(case_number) and "campaign" in open_kinds
        if reminders or notices or with_profile:
            await state.save_offer(channel, tracker.sender_id, {
                "profile": with_profile, "reminders": [r.to_json() for r in reminders],
                "phone": str(slots.get("phone") or ""),
                "audience": audience_of(slots, service, channel, tracker.sender_id) if notices else None})
    except Exception as exc:  # a reminder is a convenience: the case is filed regardless
        logger.warning("reminder offer unavailable: %s", type(exc).__name__)
        reminders, notices = [], False
    if not reminders and not notices and not with_profile:
        return None
    return offer_text([r.kind for r in reminders] + (["campaign"] if notices else []), with_profile,
                      {r.kind: r.context for r in reminders})


async def under_age_offer(tracker: Tracker, channel: str) -> str | None:
    """An elder not yet 80: offer to remind whoever asked on the 80th birthday."""
    slots = tracker.current_slot_values()
    try:
        state, queue, _, _ = _clients()
        reminder = allowance80_reminder(str(slots.get("id_number") or ""),
                                        str(slots.get("person_name") or ""), channel,
                                        tracker.sender_id, queue.clock.now())
        if reminder is None or not await state.unanswered(channel, tracker.sender_id, ["allowance80"]):
            return None
        await state.save_offer(channel, tracker.sender_id,
                               {"profile": False, "reminders": [reminder.to_json()]})
    except Exception as exc:
        logger.warning("allowance reminder offer unavailable: %s", type(exc).__name__)
        return None
    return offer_text(["allowance80"], False)


async def requeue_appointment(channel: str, sender: str, case_number: str, service: str,
                              appointment: datetime) -> bool:
    """The reminder for an appointment moved to a new time, when the resident still
    agrees to appointment reminders; True when one is queued."""
    try:
        state, queue, _, _ = _clients()
        if not await state.allowed(channel, sender, "appointment"):
            return False
        reminder = appointment_reminder(case_number, service, appointment, channel, sender,
                                        queue.clock.now())
        return reminder is not None and (await queue.schedule(reminder) or True)
    except Exception as exc:  # the appointment is changed regardless
        logger.warning("reminder for a changed appointment not queued: %s", type(exc).__name__)
        return False


async def answer_offer(channel: str, sender: str, agreed: bool) -> dict[str, Any]:
    """The offer just answered: consent granted (and reminders queued) or declined."""
    try:
        state, queue, audience, links = _clients()
        offer = await state.take_offer(channel, sender) or {}
        for data in offer.get("reminders", []):
            reminder = Reminder.from_json(data)
            if agreed:
                await state.grant(channel, sender, reminder.kind)
                await queue.schedule(reminder)
            else:
                await state.decline(channel, sender, reminder.kind)
        if agreed and offer.get("phone") and (offer.get("reminders") or offer.get("audience")):
            # The case's phone links this identity to the resident's others, so 退订
            # said anywhere reaches all of them (state.residents).
            await links.link(channel, sender, offer["phone"])
        if offer.get("audience"):
            if agreed:
                await state.grant(channel, sender, "campaign")
                await audience.add(Member(**offer["audience"]))
            else:
                await state.decline(channel, sender, "campaign")
        return offer
    except Exception as exc:
        logger.warning("reminder consent not stored: %s", type(exc).__name__)
        return {}
