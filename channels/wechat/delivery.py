"""Messages pushed to a resident outside a passive reply.

Customer-service messages (`message/custom/send`) are allowed within 48 hours of
the resident's last message; after that only a template message
(`message/template/send`, template from WECHAT_TEMPLATE_ID, one field `content`)
reaches them. Whatever WeChat does not take after all retries is kept in Redis
(`state.wechat.Undelivered`) for staff, never silently dropped.
"""
from __future__ import annotations

import logging

from channels.wechat.api import WINDOW_CLOSED_ERRCODE, WeChatApi, WeChatApiError
from channels.wechat.render import split_text
from state.wechat import ContactWindow, Undelivered

logger = logging.getLogger(__name__)


def masked(openid: str) -> str:
    return f"{openid[:6]}…" if len(openid) > 6 else "…"


class Delivery:
    def __init__(self, api: WeChatApi | None, window: ContactWindow, undelivered: Undelivered,
                 template_id: str, max_bytes: int) -> None:
        self._api = api
        self._window = window
        self._undelivered = undelivered
        self._template_id = template_id
        self._max_bytes = max_bytes

    async def push(self, openid: str, chunks: list[str]) -> bool:
        """Customer-service text messages, in order; True when all were taken."""
        for index, chunk in enumerate(chunks):
            if self._api is None:
                await self._keep(openid, "custom", chunks[index:], "WeChat API not configured")
                return False
            try:
                await self._api.send_text(openid, chunk)
            except WeChatApiError as exc:
                await self._keep(openid, "custom", chunks[index:], str(exc))
                return False
        return True

    async def notify(self, openid: str, text: str) -> None:
        """A proactive message: customer-service inside the 48-hour window, else template."""
        if self._api is not None and await self._window.is_open(openid):
            try:
                for chunk in split_text(text, self._max_bytes):
                    await self._api.send_text(openid, chunk)
                return
            except WeChatApiError as exc:
                if exc.errcode != WINDOW_CLOSED_ERRCODE:
                    await self._keep(openid, "custom", [text], str(exc))
                    return
                await self._window.close(openid)
        await self._send_template(openid, text)

    async def _send_template(self, openid: str, text: str) -> None:
        if self._api is None or not self._template_id:
            await self._keep(openid, "template", [text], "no WeChat API or template configured")
            return
        try:
            await self._api.send_template(openid, self._template_id, {"content": {"value": text}})
        except WeChatApiError as exc:
            await self._keep(openid, "template", [text], str(exc))

    async def _keep(self, openid: str, kind: str, chunks: list[str], reason: str) -> None:
        logger.error("WeChat %s message to %s not delivered (%s); kept for staff",
                     kind, masked(openid), reason)
        await self._undelivered.add(openid, kind, "\n".join(chunks), reason)
