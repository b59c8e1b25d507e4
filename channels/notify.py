"""Status-change notifications from the back office to residents, on their channel.

The back office POSTs every status change (`PATCH /api/v1/cases/{case_number}`)
to BACKOFFICE_NOTIFY_URL; `make run` points that at this channel:

    POST /webhooks/notify/status
    Authorization: Bearer <NOTIFY_TOKEN>      (or ?token=<NOTIFY_TOKEN>, which is how
                                              `make run` wires the back office)
    {"case_number", "service", "status", "note", "channel", "conversation_id"}

The payload becomes one plain Chinese message (`status_message`) and is handed to
the sender registered for the case's `channel`. Answers: 202 when a sender took
it (delivery, with its retries, continues in the background), 200 with
`"delivered": false` when the channel has no way to reach the resident (e.g. the
REST channel), 400 for a malformed payload, 401 without the right token.

Registering a channel (once, when the channel starts, e.g. in its `blueprint()`):

    from channels.notify import register_sender

    async def send(conversation_id: str, text: str) -> None: ...
    register_sender("webchat", send)

`conversation_id` is the Rasa sender id the case was filed under; `text` is the
message to show. A sender should do its own retrying and never raise for a
resident it cannot reach; an exception is logged here and the message dropped.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import os
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.catalogue import SERVICE_ZH, STATUS_ZH
from bot.settings import DEV_NOTIFY_TOKEN

logger = logging.getLogger(__name__)

Sender = Callable[[str, str], Awaitable[None]]
_senders: dict[str, Sender] = {}
_in_flight: set[asyncio.Task] = set()

def register_sender(channel: str, sender: Sender) -> None:
    """Send notifications for cases filed on `channel` through `sender`."""
    _senders[channel] = sender


def registered_channels() -> list[str]:
    return sorted(_senders)


def status_message(payload: dict[str, Any]) -> str:
    """The resident's message: case number, service and the status in plain words."""
    service = SERVICE_ZH.get(payload.get("service") or "", "")
    status = STATUS_ZH.get(payload["status"], payload["status"])
    text = f"您的办件 {payload['case_number']}{f'（{service}）' if service else ''}有新进展：{status}。"
    if payload.get("note"):
        text += f"\n说明：{payload['note']}"
    return text + "\n如有疑问，直接回复本消息即可。"


def payload_problem(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return "body must be a JSON object"
    for name in ("case_number", "status", "channel", "conversation_id"):
        if not isinstance(payload.get(name), str) or not payload[name].strip():
            return f"`{name}` must be a non-empty string"
    if payload["status"] not in STATUS_ZH:
        return f"unknown status {payload['status']!r}"
    if payload.get("note") is not None and not isinstance(payload["note"], str):
        return "`note` must be a string"
    return None


async def _deliver(sender: Sender, payload: dict[str, Any]) -> None:
    try:
        await sender(payload["conversation_id"], status_message(payload))
        logger.info("notification for %s handed to %s", payload["case_number"], payload["channel"])
    except Exception:
        logger.exception("notification for %s on %s failed", payload["case_number"],
                         payload["channel"])


class NotifyInput(InputChannel):
    """Receives the back office's status changes; not a conversation channel."""

    def __init__(self, token: str) -> None:
        self._token = token

    @classmethod
    def name(cls) -> Text:
        return "notify"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[Text, Any]]) -> "NotifyInput":
        # Its own token, not the back office's: the back office sends it in the URL.
        return cls(os.environ.get("NOTIFY_TOKEN") or DEV_NOTIFY_TOKEN)

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else request.args.get("token", "")
        return hmac.compare_digest(given.encode(), self._token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("notify_status", __name__)

        @bp.route("/status", methods=["POST"])
        async def status(request: Request) -> response.HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "missing or wrong token"}, status=401)
            try:
                payload = request.json
            except Exception:
                payload = None
            problem = payload_problem(payload)
            if problem:
                return response.json({"error": problem}, status=400)
            sender = _senders.get(payload["channel"])
            if sender is None:
                logger.info("no sender for channel %s; %s not notified",
                            payload["channel"], payload["case_number"])
                return response.json({"delivered": False, "reason": "channel cannot push"})
            task = asyncio.create_task(_deliver(sender, payload))
            _in_flight.add(task)
            task.add_done_callback(_in_flight.discard)
            return response.json({"accepted": True}, status=202)

        return bp
