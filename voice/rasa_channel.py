"""The Rasa side of the hotline: an input channel named "voice".

Registered in credentials.yml, so the Rasa server answers at
`/webhooks/voice/webhook` with the REST channel's payload plus metadata:

    {"sender": "voice:<call id>", "message": "...",
     "metadata": {"caller_number": "13812345678", "call_id": "...", "transport": "audiosocket"}}

Forms read the caller's number from
`tracker.latest_message["metadata"]["caller_number"]` to pre-fill `phone`.
Only the gateway calls this endpoint (loopback, like the rest of Rasa's API).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.request import Request

logger = logging.getLogger(__name__)
METADATA_KEYS = ("caller_number", "call_id", "transport")


class VoiceInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "voice"

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        raw = (request.json or {}).get("metadata") or {}
        if not isinstance(raw, dict):
            return None
        return {k: str(raw[k])[:64] for k in METADATA_KEYS if raw.get(k) is not None}
