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

    async def notify(self, openid: str, text: str, keep_failed: bool = True) -> bool:
        """A proactive message: customer-service inside the 48-hour window, else template.

        True when WeChat took it. A caller that retries itself (the scheduler) passes
        `keep_failed=False` and shows staff the message only after its last try."""
        if self._api is not None and await self._window.is_open(openid):
            try:
                for chunk in split_text(text, self._max_bytes):
                    await self._api.send_text(openid, chunk)
                return True
            except WeChatApiError as exc:
                if exc.errcode != WINDOW_CLOSED_ERRCODE:
                    return await self._failed(openid, "custom", text, str(exc), keep_failed)
                await self._window.close(openid)
        return await self._send_template(openid, text, keep_failed)

    async def _send_template(self, openid: str, text: str, keep_failed: bool = True) -> bool:
        if self._api is None or not self._template_id:
            return await self._failed(openid, "template", text,
                                      "no WeChat API or template configured", keep_failed)
        try:
            await self._api.send_template(openid, self._template_id, {"content": {"value": text}})
            return True
        except WeChatApiError as exc:
            return await self._failed(openid, "template", text, str(exc), keep_failed)

    async def _failed(self, openid: str, kind: str, text: str, reason: str, keep: bool) -> bool:
        if keep:
            await self._keep(openid, kind, [text], reason)
        else:
            logger.warning("WeChat %s message to %s not taken (%s)", kind, masked(openid), reason)
        return False

    async def _keep(self, openid: str, kind: str, chunks: list[str], reason: str) -> None:
        logger.error("WeChat %s message to %s not delivered (%s); kept for staff",
                     kind, masked(openid), reason)
        await self._undelivered.add(openid, kind, "\n".join(chunks), reason)
