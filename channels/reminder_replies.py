"""Answers to reminders, 退订 and 忘记我的信息, on every channel, before the dialogue sees them.

退订 / 不要再提醒我 stops every reminder and notice at once, whatever else is going
on, for this resident on every channel they are linked on (state.residents: the
same phone, given with consent). 忘记我的信息 deletes the remembered profile and the
consent to reminders the same way, so nothing is sent afterwards.
A reply to the reminder just sent is read with what that reminder was about
(state.reminders keeps it until the resident's next message): 1 confirms the
appointment (a note on the case for staff); 2 goes on to the dialogue as the
resident's wish to change that appointment, read as `inform` with the reminder's
context in the message metadata (`reminder`, `reminder_reply: change`), so the
assistant asks only for the new time (actions/appointment_change.py) and the old
case is noted for staff; anything else goes on unchanged, also with that context.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import redis.asyncio as aioredis

from bot.catalogue import SERVICE_ZH
from bot.settings import Settings
from state.privacy import ResidentPrivacy
from state.reminders import mask_recipient

logger = logging.getLogger(__name__)

OPT_OUT = re.compile(r"^\s*(退订|TD|取消订阅|取消提醒|(不要|别|不用)再?(给我)?(提醒|通知|发)(我)?(了)?)[\s。！!.]*$",
                     re.IGNORECASE)
CONFIRM = re.compile(r"^\s*(1|１|一|确认|确定)[\s。！!.]*$")
CHANGE = re.compile(r"^\s*(2|２|二|改约|改期|改一下)[\s。！!.]*$")

_WHAT = r"(我的|我们的|我家的|你们?记住?的|您记住?的|保存的|记住的|留下?的)?(个人)?(信息|资料|档案|电话|手机号|地址|名字|姓名|联系方式)"
FORGET = re.compile(
    # 我的电话忘记了 is a resident who does not remember it: 忘记 takes 把 before the object.
    rf"^\s*(请|麻烦)?(你们?|您)?(帮我)?把{_WHAT}(都|全部|全都)?(忘记|忘掉|删除|删掉|删了|清除|清空)(掉)?(吧|了)?[\s。！!.]*$"
    rf"|^\s*(请|麻烦)?(你们?|您)?(帮我)?{_WHAT}(都|全部|全都)?(删除|删掉|清除|清空|不要保存了|别保存了|删了吧)(掉)?(吧|了)?[\s。！!.]*$"
    # 忘记我的手机号了 is not remembering it; 忘记我的信息(吧) asks to be forgotten.
    rf"|^\s*(请|麻烦)?(你们?|您)?(帮我)?(忘记|忘掉){_WHAT}吧?[\s。！!.]*$"
    rf"|^\s*(请|麻烦)?(你们?|您)?(帮我)?(删除|删掉|清除|清空|别再?记|不要再?记|不要再?保存|别再?保存)(住)?(掉)?{_WHAT}(吧|了)?[\s。！!.]*$"
    r"|^\s*(请|麻烦)?(你们?|您)?(把我|忘了我|忘掉我|忘记我)(吧|了)?[\s。！!.]*$")
FORGET_DONE = ("好的，已删除为您保存的姓名、电话和地址，提醒和通知也都取消了，之后不会再给您发送。"
               "以后办事时再告诉我就好。")
OPT_OUT_DONE = "好的，已为您退订，之后不会再给您发送提醒和通知。需要时随时可以再找我办理。"
CONFIRMED = "好的，已为您确认：{service}（办件 {case_number}），请按时前往。"


@dataclass
class Handled:
    reply: str | None = None            # answered here: the dialogue does not see it
    text: str = ""                      # what goes on to the dialogue otherwise
    metadata: dict[str, Any] = field(default_factory=dict)
    parse_data: dict[str, Any] | None = None  # set: the dialogue takes this reading, not NLU's


def opts_out(text: str) -> bool:
    return bool(OPT_OUT.match(text or ""))


def forgets(text: str) -> bool:
    return bool(FORGET.match(text or ""))


def read_as_inform(text: str) -> dict[str, Any]:
    """The message as the dialogue should read it: a value for what is going on (the
    appointment the reminder was about), whatever the classifier would make of it."""
    intent = {"name": "inform", "confidence": 1.0}
    return {"text": text, "intent": intent, "intent_ranking": [intent], "entities": []}


class CaseNotes:
    """A staff note on a case, in the back office (the resident's confirmation)."""

    def __init__(self, base_url: str, staff_token: str, timeout_s: float) -> None:
        self._url = base_url.rstrip("/") + "/api/v1/cases/{}/notes"
        self._headers = {"Authorization": f"Bearer {staff_token}"}
        self._timeout_s = timeout_s

    async def add(self, case_number: str, text: str) -> bool:
        try:
            async with httpx.AsyncClient(timeout=self._timeout_s) as client:
                answer = await client.post(self._url.format(case_number), json={"text": text},
                                           headers=self._headers)
        except httpx.HTTPError as exc:
            logger.warning("confirmation note for %s not written: %s", case_number, type(exc).__name__)
            return False
        return answer.status_code in (200, 201)


class ReminderReplies:
    def __init__(self, privacy: ResidentPrivacy | None, notes: CaseNotes) -> None:
        self._privacy = privacy
        self._state = privacy.state if privacy else None
        self._notes = notes

    @classmethod
    def from_settings(cls, redis: aioredis.Redis | None, settings: Settings) -> "ReminderReplies":
        """Without Redis (a channel run on its own) every message goes on unchanged."""
        staff_token = os.environ.get("BACKOFFICE_STAFF_TOKEN") or "dev-staff-token"
        privacy = ResidentPrivacy(redis, settings.redis_key_prefix, settings.profile_ttl_s) if redis else None
        return cls(privacy,
                   CaseNotes(settings.backoffice_url, staff_token, settings.backoffice_timeout_s))

    async def handle(self, channel: str, sender: str, text: str) -> Handled:
        if self._state is None:
            return Handled(text=text)
        try:
            return await self._handle(channel, sender, text)
        except Exception as exc:  # reminders must never cost the resident the conversation
            logger.error("reminder reply not handled: %s", type(exc).__name__)
            return Handled(text=text)

    async def _handle(self, channel: str, sender: str, text: str) -> Handled:
        if opts_out(text):
            identities = await self._privacy.opt_out(channel, sender)
            logger.info("%s on %s opted out of reminders (%d linked identities)",
                        mask_recipient(sender), channel, len(identities) - 1)
            return Handled(reply=OPT_OUT_DONE)
        if forgets(text):
            identities = await self._privacy.forget(channel, sender)
            logger.info("%s on %s asked to be forgotten (%d linked identities)",
                        mask_recipient(sender), channel, len(identities) - 1)
            return Handled(reply=FORGET_DONE)
        pending = await self._state.pending_reply(channel, sender)
        if not pending:
            return Handled(text=text)
        await self._state.reply_handled(channel, sender)
        if pending.get("campaign_id"):
            await self._state.count_reply(pending["campaign_id"])
        if pending.get("kind") == "appointment" and CONFIRM.match(text):
            return await self._confirm(pending)
        context = {"reminder": pending}
        if pending.get("kind") == "appointment" and CHANGE.match(text):
            # Staff see on the old case that a new time is being booked for it.
            await self._notes.add(pending.get("case_number", ""),
                                  f"居民回复提醒：要求改约（原定 {pending.get('appointment_time', '')}），已转入对话重新预约")
            service = SERVICE_ZH.get(pending.get("service", ""), "")
            return Handled(text=f"我想改一下{service}的时间",
                           metadata={**context, "reminder_reply": "change"},
                           parse_data=read_as_inform(f"我想改一下{service}的时间"))
        return Handled(text=text, metadata=context)

    async def _confirm(self, pending: dict[str, Any]) -> Handled:
        case_number = pending.get("case_number", "")
        noted = await self._notes.add(case_number, f"居民回复提醒：确认按时前往（{pending.get('appointment_time', '')}）")
        if not noted:
            logger.warning("appointment %s confirmed by the resident but not noted", case_number)
        service = SERVICE_ZH.get(pending.get("service", ""), "")
        return Handled(reply=CONFIRMED.format(service=service, case_number=case_number))
