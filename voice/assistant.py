"""Talk to the Rasa server on behalf of a call (the "voice" channel)."""
from __future__ import annotations

import logging
from typing import Any

import httpx

logger = logging.getLogger(__name__)


class Assistant:
    """`channel_token` proves to the voice channel that this is the gateway
    (VOICE_CHANNEL_TOKEN); `token` is Rasa's API token (RASA_AUTH_TOKEN), if any."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, channel_token: str,
                 token: str | None = None) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {channel_token}"}
        self._params = {"token": token} if token else {}

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """One caller turn; the assistant's messages in order."""
        response = await self._client.post(
            f"{self._base}/webhooks/voice/webhook", headers=self._headers,
            json={"sender": sender, "message": text, "metadata": metadata}, timeout=60)
        response.raise_for_status()
        return list(response.json())

    async def slots(self, sender: str) -> dict[str, Any]:
        """The conversation's slots: `handoff_reason` is set once it went to a person,
        `requested_slot` names the question the caller is answering next."""
        response = await self._client.get(
            f"{self._base}/conversations/{sender}/tracker", params=self._params, timeout=30)
        response.raise_for_status()
        return response.json().get("slots") or {}
