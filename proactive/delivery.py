"""One way to reach a resident per channel, each returning whether the message went.

WeChat goes through the channel's own delivery (customer-service message inside the
48-hour window, else the template message); web chat through the page's outbox
stream (shown live on an open page, else at the next visit); a resident known only
by telephone becomes a callback task for staff in the back office.
"""
from __future__ import annotations

import logging
from typing import Awaitable, Callable

import httpx

from channels.webchat.outbox import WebChatOutbox
from channels.wechat.delivery import Delivery
from state.reminders import Reminder

logger = logging.getLogger(__name__)

Send = Callable[[Reminder], Awaitable[bool]]
PHONE_CHANNELS = ("voice", "phone")


class BackOffice:
    """The two calls the scheduler makes: a callback task, and a note on a case."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, staff_token: str) -> None:
        self._client = client
        self._base = base_url.rstrip("/") + "/api/v1"
        self._headers = {"Authorization": f"Bearer {staff_token}"}

    async def callback(self, reminder: Reminder, note: str) -> bool:
        body = {"channel": reminder.channel, "conversation_id": reminder.sender[:128],
                "note": note[:1000]}
        for name in ("phone", "case_number", "service"):
            if reminder.context.get(name):
                body[name] = reminder.context[name]
        try:
            answer = await self._client.post(f"{self._base}/callbacks", json=body,
                                             headers=self._headers)
        except httpx.HTTPError as exc:
            logger.warning("callback task not created: %s", type(exc).__name__)
            return False
        if answer.status_code != 201:
            logger.warning("callback task refused: HTTP %s", answer.status_code)
        return answer.status_code == 201

    async def note(self, case_number: str, text: str) -> bool:
        try:
            answer = await self._client.post(f"{self._base}/cases/{case_number}/notes",
                                             json={"text": text}, headers=self._headers)
        except httpx.HTTPError:
            return False
        return answer.status_code in (200, 201)


class Channels:
    def __init__(self, wechat: Delivery | None, webchat: WebChatOutbox, backoffice: BackOffice) -> None:
        self._wechat = wechat
        self._webchat = webchat
        self.backoffice = backoffice
        self._by_channel: dict[str, Send] = {"wechat": self._send_wechat, "webchat": self._send_webchat}
        for name in PHONE_CHANNELS:
            self._by_channel[name] = self._send_phone

    def can_reach(self, channel: str) -> bool:
        return channel in self._by_channel

    async def send(self, reminder: Reminder) -> bool:
        return await self._by_channel[reminder.channel](reminder)

    async def _send_wechat(self, reminder: Reminder) -> bool:
        if self._wechat is None:
            return False
        return await self._wechat.notify(reminder.sender, reminder.text, keep_failed=False)

    async def _send_webchat(self, reminder: Reminder) -> bool:
        await self._webchat.push(reminder.sender, "notice", {"text": reminder.text})
        return True

    async def _send_phone(self, reminder: Reminder) -> bool:
        return await self.backoffice.callback(reminder, f"电话告知居民：{reminder.text}")
