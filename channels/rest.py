"""Rasa's REST channel with the limits a public endpoint needs.

Same URL and payload as Rasa's own (`/webhooks/rest/webhook`,
`{"sender", "message"}`, optional `metadata`, `input_channel`, `?stream=true`);
in front of it, in this order:

0. the channel's own check of the caller (none here; the voice channel,
   voice/rasa_channel.py, reuses this class and wants its gateway's secret: 401);
1. a rate limit per client IP (429), before the body is even read;
2. the body read in chunks and refused past `MAX_BODY_BYTES` (413) without
   buffering the rest;
3. a JSON error (400) for anything that is not `{"sender": str, "message": str}`
   with sane values, instead of Rasa's HTML page or a 500;
4. a rate limit per sender (429);
5. very long messages cut to what the NLU needs (a 10,000-character paste
   would otherwise take seconds of CPU per turn), and a leading `/` dropped:
   Rasa reads `/intent{"slot": "value"}` as a ready-made intent with entities,
   which would let anyone skip the NLU and its normalisation (the assistant
   sends no buttons, so residents never need it).

Rasa's own handler logs the resident's text when a turn fails; this one logs
the exception type only, because that text carries phone and ID numbers.
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import re
from dataclasses import dataclass, replace
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Union

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import RateLimitSettings, Settings
from channels.reminder_replies import ReminderReplies
from state.ratelimit import RateLimiter, client_ip
from state.redis_conn import async_redis

logger = logging.getLogger(__name__)

Refusal = tuple[int, str]
MAX_SENDER_CHARS = 128
MAX_METADATA_BYTES = 4096
_CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# Control characters would forge log lines; lone surrogates are valid JSON but not UTF-8.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
BUSY_MESSAGE = "您发送得太快了，请稍等片刻再发。"


def _limit(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class WebhookMessage:
    sender: str
    text: str
    input_channel: Optional[str]
    metadata: Optional[Dict[str, Any]]


def clean_text(text: str) -> str:
    """Text Redis and the NLU can take: lone surrogates replaced, NULs dropped,
    no leading `/` (Rasa's intent-injection syntax)."""
    return _SURROGATES.sub("\ufffd", text).replace("\x00", "").strip().lstrip("/")


def too_large(max_bytes: int) -> Refusal:
    return 413, f"body over {max_bytes} bytes"


def parse_webhook(raw: bytes, max_bytes: int) -> Union[WebhookMessage, Refusal]:
    """The message in a webhook body, or why it is refused as (status, reason)."""
    if len(raw) > max_bytes:
        return too_large(max_bytes)
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return 400, "body is not valid JSON"
    if not isinstance(body, dict):
        return 400, "body must be a JSON object"
    sender = body.get("sender")
    if (not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS
            or _UNPRINTABLE.search(sender)):
        return 400, f"`sender` must be a printable string of 1 to {MAX_SENDER_CHARS} characters"
    message = body.get("message")
    if message is None:
        message = ""
    if not isinstance(message, str):
        return 400, "`message` must be a string"
    channel = body.get("input_channel")
    if channel is not None and not (isinstance(channel, str) and _CHANNEL_NAME.match(channel)):
        return 400, "`input_channel` must be a short lower-case name"
    metadata = body.get("metadata")
    if metadata is not None and not _small_object(metadata):
        return 400, f"`metadata` must be a JSON object of at most {MAX_METADATA_BYTES} bytes"
    return WebhookMessage(sender, clean_text(message).strip(), channel, metadata)


def request_problem(raw: bytes, max_bytes: int) -> Optional[Refusal]:
    """Why a webhook body must be refused, as (status, message), or None."""
    parsed = parse_webhook(raw, max_bytes)
    return None if isinstance(parsed, WebhookMessage) else parsed


def _small_object(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    encoded = json.dumps(value, ensure_ascii=False).encode("utf-8", "replace")
    return len(encoded) <= MAX_METADATA_BYTES


def refusal(status: int, reason: str, retry_after_s: float = 0.0) -> HTTPResponse:
    body: Dict[str, Any] = {"error": _ERROR_CODES.get(status, "bad_request"), "detail": reason}
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 429:
        seconds = max(1, math.ceil(retry_after_s))
        body.update(message=BUSY_MESSAGE, retry_after=seconds)
        headers["Retry-After"] = str(seconds)
    return response.json(body, status=status, headers=headers)


TURN_FAILED = "抱歉，系统刚才出了点问题，这句话没有记下来，请再发一次。"
_ERROR_CODES = {400: "bad_request", 401: "unauthorized", 413: "payload_too_large",
                429: "rate_limited"}


class WebhookLimits:
    """Per-IP and per-sender rate limits of one webhook, backed by Redis."""

    def __init__(self, limiter: Optional[RateLimiter], settings: RateLimitSettings) -> None:
        self._limiter = limiter
        self.settings = settings

    @classmethod
    def from_env(cls, channel: str) -> "WebhookLimits":
        limits = RateLimitSettings.from_env()
        if limits.per_ip <= 0 and limits.per_sender <= 0:
            return cls(None, limits)
        settings = Settings.from_env()
        redis = async_redis(settings)  # connects lazily, on the first request's loop
        return cls(RateLimiter(redis, f"{settings.redis_key_prefix}:ratelimit:{channel}"), limits)

    async def check_ip(self, request: Request) -> Optional[HTTPResponse]:
        ip = client_ip(request.ip, request.headers.get("x-forwarded-for"),
                       self.settings.trusted_proxies)
        if ip is None:
            return None
        return await self._check(f"ip:{ip}", self.settings.per_ip, "this address")

    async def check_sender(self, sender: str) -> Optional[HTTPResponse]:
        return await self._check(f"sender:{sender}", self.settings.per_sender, "this sender")

    async def _check(self, identity: str, limit: int, who: str) -> Optional[HTTPResponse]:
        if self._limiter is None or limit <= 0:
            return None
        decision = await self._limiter.decide(identity, limit, self.settings.window_s)
        if decision.allowed:
            return None
        logger.info("rate limited %s (%d per %d s)", identity.split(":", 1)[0], limit,
                    self.settings.window_s)
        return refusal(429, f"too many messages from {who}: at most {limit} per "
                            f"{self.settings.window_s} s", decision.retry_after_s)


async def read_body(request: Request, max_bytes: int) -> Optional[bytes]:
    """The body, or None once it passes ``max_bytes`` (the rest is never buffered)."""
    declared = request.headers.get("content-length", "")
    # Past the limit Sanic drains at most this much more before closing the connection.
    request.stream.request_max_size = max_bytes * 2
    if declared.isdigit() and int(declared) > max_bytes:
        return None
    body = bytearray()
    while True:
        chunk = await request.stream.read()
        if chunk is None:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            return None


class CommunityRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _reminder_replies(self) -> ReminderReplies:
        # Built on first use, inside the server's event loop.
        if getattr(self, "_replies", None) is None:
            settings = Settings.from_env()
            self._replies = ReminderReplies.from_settings(
                async_redis(settings) if settings.redis_url else None, settings)
        return self._replies

    def _cut(self, text: str) -> str:
        limit = _limit("MAX_MESSAGE_CHARS", 1000)
        if len(text) > limit:
            logger.info("message of %d characters cut to %d", len(text), limit)
            return text[:limit]
        return text

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        max_bytes = _limit("MAX_BODY_BYTES", 64 * 1024)
        limits = WebhookLimits.from_env(self.name())

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            refused = self.refuse_caller(request) or await limits.check_ip(request)
            if refused:
                return refused
            raw = await read_body(request, max_bytes)
            parsed = parse_webhook(raw, max_bytes) if raw is not None else too_large(max_bytes)
            if not isinstance(parsed, WebhookMessage):
                return refusal(*parsed)
            refused = await limits.check_sender(parsed.sender)
            if refused:
                return refused
            return await self._answer(request, self.accept(parsed), on_new_message)

        return bp

    def refuse_caller(self, request: Request) -> Optional[HTTPResponse]:
        """A channel's own check of who is calling, before anything else; the public
        REST channel takes anyone."""
        return None

    def accept(self, message: WebhookMessage) -> WebhookMessage:
        """The message as this channel hands it on (a subclass may fix its channel name
        or keep only the metadata it knows)."""
        return message

    async def _answer(self, request: Request, message: WebhookMessage,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        text = self._cut(message.text)
        channel = message.input_channel or self.name()
        handled = await self._reminder_replies().handle(channel, message.sender, text)
        if handled.reply is not None:
            return response.json([{"recipient_id": message.sender, "text": handled.reply}])
        text = handled.text
        if handled.metadata:
            message = replace(message, metadata={**(message.metadata or {}), **handled.metadata})
        if bool_arg(request, "stream", default=False):
            return response.stream(
                self.stream_response(on_new_message, text, message.sender, channel, message.metadata),
                content_type="text/event-stream")
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(text, collector, message.sender,
                                             input_channel=channel, metadata=message.metadata,
                                             parse_data=handled.parse_data))
        except (asyncio.CancelledError, Exception) as exc:
            # The turn may not have been saved (Redis restarting, a timeout): say so
            # rather than pass on replies the assistant will not remember. Sending the
            # message again is safe: a repeated confirmation files no second case.
            logger.error("turn failed for a REST message: %s", type(exc).__name__)
            return response.json([{"recipient_id": message.sender, "text": TURN_FAILED}], status=503)
        return response.json(collector.messages)
