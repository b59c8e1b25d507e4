"""Web chat channel inside the Rasa server (`credentials.yml`: channels.webchat.channel.WebChatInput).

    GET  /webhooks/webchat/                 the page (Chinese, large text, high contrast)
    POST /webhooks/webchat/webhook          {"sender": "web-<32 hex>", "message": "..."} -> 202
    GET  /webhooks/webchat/stream/<sender>  server-sent events: every message for the page

The POST only verifies and hands the message to the assistant; replies (the
assistant's, or a staff member's during a takeover, sent by the console through
Rasa's tracker-events API with output_channel=webchat) go through the outbox
stream, so they reach the page whoever sends them.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import redis.asyncio as aioredis
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.settings import Settings
from channels.reminder_replies import ReminderReplies
from channels.notify import register_sender
from channels.rest import WebhookLimits, WebhookMessage, parse_webhook
from channels.webchat.outbox import WebChatOutbox, valid_sender

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "application/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8"}
HEARTBEAT_MS = 15000
_in_flight: set[asyncio.Task] = set()


class WebChatOutput(OutputChannel):
    """Pushes every outgoing message to the conversation's outbox stream."""

    def __init__(self, outbox: WebChatOutbox) -> None:
        self._outbox = outbox

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        # The console sends staff replies as bot utterances with {"staff": <user>} in
        # their metadata, which Rasa merges into the message.
        role = "staff" if message.get("staff") else "bot"
        payload = {k: v for k, v in message.items() if k in ("text", "buttons", "image") and v}
        if payload:
            await self._outbox.push(recipient_id, role, payload)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})


class WebChatInput(InputChannel):
    def __init__(self, settings: Settings, limits: WebhookLimits) -> None:
        self._settings = settings
        self._limits = limits
        self._redis: aioredis.Redis | None = None

    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(Settings.from_env(), WebhookLimits.from_env("webchat"))

    def _client(self) -> aioredis.Redis:
        # Built on first use, inside the server's event loop.
        if self._redis is None:
            self._redis = aioredis.from_url(self._settings.redis_url, decode_responses=True)
        return self._redis

    def outbox(self) -> WebChatOutbox:
        return WebChatOutbox(self._client(), self._settings.redis_key_prefix,
                             self._settings.tracker_expiry_s)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WebChatOutput(self.outbox())

    async def notify(self, conversation_id: str, text: str) -> None:
        """Case status notifications (channels/notify.py) for web chat residents."""
        if valid_sender(conversation_id):
            await self.outbox().push(conversation_id, "notice", {"text": text})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("webchat_webhook", __name__)
        files = {p.name: p.read_bytes() for p in STATIC.iterdir() if p.suffix in STATIC_TYPES}
        register_sender(self.name(), self.notify)

        @bp.route("/", methods=["GET"])
        async def page(request: Request) -> response.HTTPResponse:
            return response.raw(files["index.html"], content_type=STATIC_TYPES[".html"],
                                headers=PAGE_HEADERS)

        @bp.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> response.HTTPResponse:
            if name not in files:
                return response.json({"error": "not found"}, status=404)
            return response.raw(files[name], content_type=STATIC_TYPES[Path(name).suffix],
                                headers={"Cache-Control": "no-cache", **PAGE_HEADERS})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            return await self._receive(request, on_new_message)

        @bp.route("/stream/<sender>", methods=["GET"])
        async def stream(request: Request, sender: str) -> Optional[response.HTTPResponse]:
            return await self._stream(request, sender)

        return bp

    async def _receive(self, request: Request,
                       on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> response.HTTPResponse:
        refused = await self._limits.check_ip(request)
        if refused:
            return refused
        parsed = parse_webhook(request.body, int(os.environ.get("MAX_BODY_BYTES", 64 * 1024)))
        if not isinstance(parsed, WebhookMessage):
            return response.json({"error": parsed[1]}, status=parsed[0])
        if not valid_sender(parsed.sender):
            return response.json({"error": "`sender` must look like web-<32 hex digits>"}, status=400)
        text = parsed.text[: int(os.environ.get("MAX_MESSAGE_CHARS", 1000))]
        if not text:
            return response.json({"error": "`message` is empty"}, status=400)
        refused = await self._limits.check_sender(parsed.sender)
        if refused:
            return refused
        outbox = self.outbox()
        # The resident's own line goes into the stream first, so the page shows
        # the conversation in order on every device and after a reload.
        await outbox.push(parsed.sender, "resident", {"text": text})
        handled = await ReminderReplies.from_settings(self._client(), self._settings).handle(
            "webchat", parsed.sender, text)
        if handled.reply is not None:
            await outbox.push(parsed.sender, "bot", {"text": handled.reply})
            return response.json({"status": "accepted"}, status=202)
        message = UserMessage(handled.text, self.get_output_channel(), parsed.sender,
                              input_channel=self.name(),
                              metadata={"channel": "webchat", **handled.metadata},
                              parse_data=handled.parse_data)
        task = asyncio.get_running_loop().create_task(self._handle(on_new_message, message))
        _in_flight.add(task)
        task.add_done_callback(_in_flight.discard)
        return response.json({"status": "accepted"}, status=202)

    @staticmethod
    async def _handle(on_new_message: Callable[[UserMessage], Awaitable[Any]],
                      message: UserMessage) -> None:
        try:
            await on_new_message(message)
        except Exception:  # the page must hear about it rather than wait forever
            logger.exception("web chat message could not be handled")
            await message.output_channel.send_text_message(
                message.sender_id, "抱歉，系统暂时出了点问题，请稍后再试，或拨打服务中心电话。")

    async def _stream(self, request: Request, sender: str) -> Optional[response.HTTPResponse]:
        if not valid_sender(sender):
            return response.json({"error": "unknown sender"}, status=400)
        after = request.headers.get("last-event-id") or request.args.get("after") or "0-0"
        if not _valid_stream_id(after):
            after = "0-0"
        resp = await request.respond(content_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        outbox = self.outbox()
        await resp.send(": connected\nretry: 1000\n\n")
        while not request.transport.is_closing():
            batch = await outbox.read(sender, after, HEARTBEAT_MS)
            if not batch:
                await resp.send(": keep-alive\n\n")
            for entry_id, message in batch:
                await resp.send(f"id: {entry_id}\ndata: {json.dumps(message, ensure_ascii=False)}\n\n")
                after = entry_id
        return None


def _valid_stream_id(value: str) -> bool:
    left, _, right = value.partition("-")
    return left.isdigit() and right.isdigit()
