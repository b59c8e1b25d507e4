"""Reminders from what was filed, each with its due time on the assistant's clock.

Ids are derived from what the reminder is about, so planning twice (a repeated
confirmation, a retried filing) yields the same reminder and it is queued once.
The elder's ID number never leaves this module: only the birthday derived from it.
"""
from __future__ import annotations

from datetime import date, datetime

from proactive import texts
from proactive.due_dates import DueDate
from proactive.policy import (
    APPOINTMENT_REMINDER_AT, DUE_REMINDER_AT, appointment_reminder_time, at_local,
    eightieth_birthday, pension_due,
)
from state.reminders import Reminder, who

APPOINTMENT_SERVICES = ("residence_permit", "consultation_booking", "elderly_home_service",
                        "social_security_certification")


def mask_name(name: str) -> str:
    if not name:
        return "老人"
    return name[0] + "*" * (len(name) - 2) + name[-1] if len(name) >= 3 else name[0] + "*"


def appointment_reminder(case_number: str, service: str, appointment: datetime, channel: str,
                         sender: str, now: datetime, phone: str = "") -> Reminder | None:
    at = appointment_reminder_time(appointment, now)
    if at is None or service not in APPOINTMENT_SERVICES:
        return None
    context = {"case_number": case_number, "service": service,
               "appointment_time": appointment.isoformat(timespec="minutes")}
    if phone:
        context["phone"] = phone
    return Reminder(f"appt:{case_number}:{appointment:%Y%m%d%H%M}", "appointment", channel, sender,
                    texts.appointment_text(service, texts.moment_zh(appointment), case_number),
                    at.timestamp(), context)


def pension_reminder(case_number: str, person_name: str, certified_on: date, channel: str,
                     sender: str, now: datetime, said: DueDate | None = None) -> Reminder:
    """From the first of the month it falls due: the date the resident gave (`said`),
    else a year after the certification filed here."""
    due = said.day if said else pension_due(certified_on)
    due_zh = said.zh() if said else texts.day_zh(due)
    at = at_local(due.replace(day=1) if due.day > 1 else due, DUE_REMINDER_AT, now.tzinfo)
    elder = mask_name(person_name)
    context = {"case_number": case_number, "service": "social_security_certification",
               "elder": elder, "due": due.isoformat(), "due_from": "resident" if said else "filed"}
    return Reminder(f"pension:{case_number}", "pension_cert", channel, sender,
                    texts.pension_text(elder, due_zh), max(at, now).timestamp(), context)


def allowance80_reminder(id_number: str, person_name: str, channel: str, sender: str,
                         now: datetime) -> Reminder | None:
    """On the 80th birthday, to the person who asked for the elder; None if past or unknown."""
    birthday = eightieth_birthday(id_number)
    if birthday is None:
        return None
    at = at_local(birthday, APPOINTMENT_REMINDER_AT, now.tzinfo)
    if at <= now:
        return None
    elder = mask_name(person_name)
    return Reminder(f"allowance80:{birthday:%Y%m%d}:{who(channel, sender)}", "allowance80", channel, sender,
                    texts.allowance80_text(elder, texts.day_zh(birthday)), at.timestamp(),
                    {"service": "elderly_allowance", "elder": elder})
