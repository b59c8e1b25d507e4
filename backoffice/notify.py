"""Status-change notifications to the assistant, best-effort.

A failed or slow notification is logged and dropped: it never fails the PATCH
that caused it. Which notifier runs is chosen once, from the settings.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Protocol

import httpx

logger = logging.getLogger(__name__)


class Notifier(Protocol):
    def notify(self, payload: Dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class DisabledNotifier:
    """Used when BACKOFFICE_NOTIFY_URL is not set."""

    def notify(self, payload: Dict[str, Any]) -> None:
        logger.debug("no notify URL configured; status change of %s not sent", payload.get("case_number"))

    def close(self) -> None:
        pass


class WebhookNotifier:
    """POSTs the JSON payload to one URL with a short timeout."""

    def __init__(self, url: str, timeout_s: float, token: Optional[str] = None) -> None:
        self._url = url
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(timeout=timeout_s, headers=headers)

    def notify(self, payload: Dict[str, Any]) -> None:
        case_number = payload.get("case_number")
        try:
            response = self._client.post(self._url, json=payload)
        except Exception as exc:  # best-effort by contract: log the kind of failure only
            logger.warning("notification for %s failed: %s", case_number, type(exc).__name__)
            return
        if response.status_code >= 400:
            logger.warning(
                "notification for %s rejected with HTTP %d", case_number, response.status_code
            )
        else:
            logger.info("notification for %s delivered", case_number)

    def close(self) -> None:
        self._client.close()


def build_notifier(url: Optional[str], timeout_s: float, token: Optional[str] = None) -> Notifier:
    return WebhookNotifier(url, timeout_s, token) if url else DisabledNotifier()
