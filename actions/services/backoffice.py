"""Client for the back office case API (SERVICES.md section 4)."""
from __future__ import annotations

import logging
import re
import time
from typing import Any

import httpx
from prometheus_client import Histogram

from bot.metrics import LATENCY_BUCKETS

logger = logging.getLogger(__name__)

BACKOFFICE_SECONDS = Histogram(
    "assistant_backoffice_request_seconds", "Seconds a call to the back office API took",
    ["operation", "outcome"], buckets=LATENCY_BUCKETS)
_CASE_IN_PATH = re.compile(r"/cases/[^/]+")


def operation(method: str, path: str) -> str:
    """`POST /api/v1/cases/{case}/amendments`: the call without its case number."""
    return f"{method} {_CASE_IN_PATH.sub('/cases/{case}', path)}"


class BackofficeUnavailable(Exception):
    """The back office could not be reached or failed; retrying may work."""


class BackofficeRejected(Exception):
    """The back office refused the request; retrying the same will not help."""

    def __init__(self, message: str, error: str | None = None) -> None:
        super().__init__(message)
        self.error = error  # the back office's error code, e.g. "activity_full"


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


class BackofficeClient:
    def __init__(self, base_url: str, token: str, timeout_s: float = 5.0) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_s,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        started, outcome = time.perf_counter(), "unavailable"
        try:
            response = await self._client.request(method, path, **kwargs)
            if response.status_code >= 500 or response.status_code in (408, 429):
                raise BackofficeUnavailable(f"{method} {path}: HTTP {response.status_code}")
            outcome = "ok" if response.status_code < 400 else "client_error"
            return response
        except httpx.HTTPError as exc:
            raise BackofficeUnavailable(f"{method} {path}: {type(exc).__name__}") from exc
        finally:
            BACKOFFICE_SECONDS.labels(operation(method, path), outcome).observe(
                time.perf_counter() - started)

    async def create_case(self, payload: dict[str, Any]) -> dict[str, Any]:
        response = await self._request("POST", "/api/v1/cases", json=payload)
        if response.status_code not in (200, 201):
            raise BackofficeRejected(f"create case: HTTP {response.status_code}",
                                     _error_code(response))
        return response.json()

    async def amend_case(self, case_number: str, fields: dict[str, Any],
                         note: str | None = None) -> dict[str, Any]:
        """Add or correct values of a filed case (merged into its fields)."""
        body: dict[str, Any] = {"fields": fields}
        if note:
            body["note"] = note
        response = await self._request("POST", f"/api/v1/cases/{case_number}/amendments", json=body)
        if response.status_code != 200:
            raise BackofficeRejected(f"amend case: HTTP {response.status_code}", _error_code(response))
        return response.json()

    async def get_case(self, case_number: str) -> dict[str, Any] | None:
        response = await self._request("GET", f"/api/v1/cases/{case_number}")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise BackofficeRejected(f"get case: HTTP {response.status_code}")
        return response.json()

    async def cases_by_phone(self, phone: str) -> list[dict[str, Any]]:
        return await self._cases({"phone": phone})

    async def cases_by_conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        return await self._cases({"conversation_id": conversation_id})

    async def _cases(self, params: dict[str, str]) -> list[dict[str, Any]]:
        response = await self._request("GET", "/api/v1/cases", params=params)
        if response.status_code != 200:
            raise BackofficeRejected(f"list cases: HTTP {response.status_code}")
        body = response.json()
        return body.get("cases", body) if isinstance(body, dict) else body

    async def activities(self) -> list[dict[str, Any]]:
        """The live catalogue; places left are checked again when the case is filed."""
        response = await self._request("GET", "/api/v1/activities")
        if response.status_code != 200:
            raise BackofficeRejected(f"list activities: HTTP {response.status_code}")
        return response.json()
