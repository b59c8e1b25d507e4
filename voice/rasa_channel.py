"""The Rasa side of the hotline: an input channel named "voice".

Registered in credentials.yml, so the Rasa server answers at
`/webhooks/voice/webhook` with the REST channel's payload plus metadata:

    Authorization: Bearer <VOICE_CHANNEL_TOKEN>
    {"sender": "voice:<call id>", "message": "...",
     "metadata": {"caller_number": "13812345678", "call_id": "...", "transport": "audiosocket"}}

Forms read the caller's number from
`tracker.latest_message["metadata"]["caller_number"]` to pre-fill `phone`, so
only the gateway may post here: it proves itself with the shared secret
VOICE_CHANNEL_TOKEN (`make run` makes one per run and gives it to both
processes); without it, or with the wrong one, the answer is 401. The Rasa
server may be reachable by others (the REST channel is public), and a forged
caller_number would put someone else's phone number on a case.

Everything else is the REST channel's (channels/rest.py): the per-IP and
per-sender rate limits (429), the body limit (413), the payload checks (400),
the cut of long messages and the 503 when a turn fails.

Status changes of cases filed on the phone (channels/notify.py) cannot be pushed
to a caller: this channel's sender keeps them for the caller's next call
(state/phone_updates.py), where the gateway speaks them after the greeting.
"""
from __future__ import annotations

import logging
import os
import secrets
from dataclasses import replace
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import Settings
from channels.notify import register_sender, spoken_status
from channels.rest import CommunityRestInput, WebhookMessage, refusal
from state.phone_updates import PhoneUpdates
from state.redis_conn import async_redis

logger = logging.getLogger(__name__)
METADATA_KEYS = ("caller_number", "call_id", "transport")
TOKEN_SETTING = "VOICE_CHANNEL_TOKEN"


def bearer_token(authorization: Optional[str]) -> Optional[str]:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_matches(given: Optional[str], expected: Optional[str]) -> bool:
    """Constant-time comparison; no expected token means no caller is accepted."""
    if not given or not expected:
        return False
    return secrets.compare_digest(given.encode("utf-8", "surrogateescape"),
                                  expected.encode("utf-8", "surrogateescape"))


class VoiceInput(CommunityRestInput):
    def __init__(self, token: Optional[str]) -> None:
        self._token = token
        if not token:
            logger.error("%s is not set: the voice channel refuses every request "
                         "(`make run` sets it for Rasa and the voice gateway)", TOKEN_SETTING)

    @classmethod
    def name(cls) -> Text:
        return "voice"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "VoiceInput":
        return cls(os.environ.get(TOKEN_SETTING) or None)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        register_sender(self.name(), self.keep_for_next_call, words=spoken_status)
        return super().blueprint(on_new_message)

    def _updates(self) -> PhoneUpdates:
        # Built on first use, inside the server's event loop.
        if getattr(self, "_phone_updates", None) is None:
            settings = Settings.from_env()
            self._phone_updates = PhoneUpdates(async_redis(settings), settings.redis_key_prefix)
        return self._phone_updates

    async def keep_for_next_call(self, conversation_id: str, text: str) -> None:
        """A case status change for a caller: kept until their next call speaks it."""
        if not await self._updates().keep(conversation_id, text):
            logger.info("status change not kept for a phone case: the call's caller number "
                        "is not known (withheld, or the call is too old)")

    def refuse_caller(self, request: Request) -> Optional[HTTPResponse]:
        if token_matches(bearer_token(request.headers.get("authorization")), self._token):
            return None
        logger.warning("voice channel request without the gateway's token refused")
        return refusal(401, "the voice channel takes requests from the voice gateway only")

    def accept(self, message: WebhookMessage) -> WebhookMessage:
        return replace(message, input_channel=self.name(), metadata=_call_metadata(message.metadata))


def _call_metadata(raw: Optional[Dict[str, Any]]) -> Optional[Dict[str, str]]:
    if not isinstance(raw, dict):
        return None
    return {k: str(raw[k])[:64] for k in METADATA_KEYS if raw.get(k) is not None}
