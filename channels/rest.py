"""Rasa's REST channel with the limits a public endpoint needs.

Same URL and payload as Rasa's own (`/webhooks/rest/webhook`,
`{"sender", "message"}`); in front of it: a JSON error for a malformed body
instead of an HTML page, 413 for oversized bodies, and very long messages
cut to what the NLU needs (a 10,000-character paste would otherwise take
seconds of CPU per turn).
"""
from __future__ import annotations

import json
import logging
import os
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

logger = logging.getLogger(__name__)


def _limit(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def request_problem(raw: bytes, max_bytes: int) -> tuple[int, str] | None:
    """Why a webhook body must be refused, as (status, message), or None."""
    if len(raw) > max_bytes:
        return 413, f"body over {max_bytes} bytes"
    try:
        body = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        return 400, "body is not valid JSON"
    if not isinstance(body, dict):
        return 400, "body must be a JSON object"
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > 128:
        return 400, "`sender` must be a non-empty string of at most 128 characters"
    if not isinstance(body.get("message", ""), str):
        return 400, "`message` must be a string"
    return None


class CommunityRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _extract_message(self, req: Request) -> Optional[Text]:
        text = (req.json.get("message") or "").strip()
        limit = _limit("MAX_MESSAGE_CHARS", 1000)
        if len(text) > limit:
            logger.info("message of %d characters cut to %d", len(text), limit)
            text = text[:limit]
        return text

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = super().blueprint(on_new_message)
        max_bytes = _limit("MAX_BODY_BYTES", 64 * 1024)

        @bp.middleware("request")
        async def refuse_bad_bodies(request: Request) -> Optional[response.HTTPResponse]:
            if request.method != "POST":
                return None
            problem = request_problem(request.body, max_bytes)
            if problem:
                return response.json({"error": problem[1]}, status=problem[0])
            return None

        return bp
