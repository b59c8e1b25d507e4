"""Status-change notifications from the back office to residents, on their channel.

The back office POSTs every status change (`PATCH /api/v1/cases/{case_number}`)
to BACKOFFICE_NOTIFY_URL; `make run` points that at this channel:

    POST /webhooks/notify/status
    Authorization: Bearer <NOTIFY_TOKEN>      (or ?token=<NOTIFY_TOKEN>, which is how
                                              `make run` wires the back office)
    {"case_number", "service", "status", "note", "channel", "conversation_id"}

The payload becomes one plain Chinese message (`status_message`, or the channel's
own wording) and is handed to the sender registered for the case's `channel`.
Answers: 202 when a sender took it (delivery, with its retries, continues in the
background; for a phone case, keeping it for the next call), 200 with
`"delivered": false` when the channel has no way to reach the resident (e.g. the
REST channel), 400 for a malformed payload, 401 without the right token.

Registering a channel (once, when the channel starts, e.g. in its `blueprint()`):

    from channels.notify import register_sender

    async def send(conversation_id: str, text: str) -> None: ...
    register_sender("webchat", send)

`conversation_id` is the Rasa sender id the case was filed under; `text` is the
message to show. A sender should do its own retrying and never raise for a
resident it cannot reach; an exception is logged here and the message dropped.
A channel whose residents do not read (the phone) passes its own wording:
`register_sender("voice", keep, words=spoken_status)`.

Phone callers (channel `voice`) cannot be pushed to. Their sender
(voice/rasa_channel.py) keeps the news in Redis for the caller's number
(state/phone_updates.py: the voice gateway records which caller each call's
conversation belongs to), and the voice gateway speaks it right after the
greeting of that caller's next call, in the same words without the "reply to
this message" line (`spoken_status`). It counts as delivered only once it has
been played to the end (a caller who speaks over it or hangs up first hears it
at the following call), and is never spoken twice; another caller never hears
it. The webhook answers 202 for a phone case as for the others; a call whose
caller's number was not known (withheld, or a call older than the record's 90
days) keeps nothing, which the Rasa server logs (without the number). Staff
still get the callback task the back office queues for every phone case's change.
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
Words = Callable[[dict[str, Any]], str]
_senders: dict[str, tuple[Sender, Words]] = {}
_in_flight: set[asyncio.Task] = set()


def _news(payload: dict[str, Any]) -> list[str]:
    """The case number, service and status in plain words, and staff's note: the one
    wording every channel's message is made of."""
    service = SERVICE_ZH.get(payload.get("service") or "", "")
    status = STATUS_ZH.get(payload["status"], payload["status"])
    lines = [f"您的办件 {payload['case_number']}{f'（{service}）' if service else ''}有新进展：{status}。"]
    if payload.get("note"):
        lines.append(f"说明：{payload['note']}")
    return lines


def status_message(payload: dict[str, Any]) -> str:
    """The resident's message on a channel they can answer on."""
    return "\n".join(_news(payload) + ["如有疑问，直接回复本消息即可。"])


def spoken_status(payload: dict[str, Any]) -> str:
    """The same news to be spoken to a caller: nothing to reply to, every part a sentence."""
    return "".join(line if line.endswith(("。", "！", "？")) else line + "。" for line in _news(payload))


def register_sender(channel: str, sender: Sender, words: Words = status_message) -> None:
    """Send notifications for cases filed on `channel` through `sender`, in `words`."""
    _senders[channel] = (sender, words)


def registered_channels() -> list[str]:
    return sorted(_senders)


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


async def _deliver(sender: Sender, words: Words, payload: dict[str, Any]) -> None:
    try:
        await sender(payload["conversation_id"], words(payload))
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
            registered = _senders.get(payload["channel"])
            if registered is None:
                logger.info("no sender for channel %s; %s not notified",
                            payload["channel"], payload["case_number"])
                return response.json({"delivered": False, "reason": "channel cannot push"})
            task = asyncio.create_task(_deliver(*registered, payload))
            _in_flight.add(task)
            task.add_done_callback(_in_flight.discard)
            return response.json({"accepted": True}, status=202)

        return bp
