"""HTTP clients of the Rasa server (tracker-events API) and the back office."""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import httpx

logger = logging.getLogger(__name__)


class UpstreamError(RuntimeError):
    """Rasa or the back office did not do what was asked; the message is for staff."""


class RasaClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._params = {"token": token} if token else {}

    async def append(self, conversation_id: str, events: list[dict[str, Any]],
                     output_channel: str | None) -> dict[str, Any]:
        """Append events; bot utterances among them go out on `output_channel`."""
        params = dict(self._params, include_events="NONE")
        if output_channel:
            params.update(output_channel=output_channel, execute_side_effects="true")
        return await self._post(conversation_id, "tracker/events", params, events, "events")

    async def _post(self, conversation_id: str, path: str, params: dict[str, str], body: Any,
                    what: str) -> dict[str, Any]:
        # A phone caller's conversation is voice:<call id>; the colon stays as it is.
        url = f"{self._base}/conversations/{quote(conversation_id, safe=':')}/{path}"
        try:
            response = await self._http.post(url, params=params, json=body, timeout=30)
        except httpx.HTTPError as error:
            raise UpstreamError(f"智能助手服务无法连接：{type(error).__name__}") from error
        if response.status_code != 200:
            logger.error("Rasa refused %s for a conversation: %s", what, response.status_code)
            raise UpstreamError(f"智能助手服务返回错误 {response.status_code}")
        return response.json()

    async def trigger(self, conversation_id: str, intent: str,
                      output_channel: str | None) -> dict[str, Any]:
        """Run the assistant on an external event (hand-back), replies on `output_channel`."""
        params = dict(self._params, include_events="NONE")
        if output_channel:
            params["output_channel"] = output_channel
        return await self._post(conversation_id, "trigger_intent", params, {"name": intent}, "an intent")

    async def slots(self, conversation_id: str) -> dict[str, Any]:
        return (await self.tracker(conversation_id)).get("slots") or {}

    async def tracker(self, conversation_id: str, include_events: str = "NONE") -> dict[str, Any]:
        """The conversation's tracker (slots, latest message; events: NONE or ALL), {} if unreadable."""
        url = f"{self._base}/conversations/{quote(conversation_id, safe=':')}/tracker"
        try:
            response = await self._http.get(url, params=dict(self._params, include_events=include_events),
                                            timeout=10)
            response.raise_for_status()
        except httpx.HTTPError as error:
            logger.warning("tracker not readable: %s", type(error).__name__)
            return {}
        return response.json()


class BackofficeClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}

    async def cases(self, conversation_id: str) -> tuple[list[dict[str, Any]], str | None]:
        """Cases of the conversation (masked by the back office), or an error note."""
        try:
            response = await self._http.get(f"{self._base}/api/v1/cases",
                                            params={"conversation_id": conversation_id},
                                            headers=self._headers, timeout=5)
        except httpx.HTTPError as error:
            return [], f"业务系统暂时无法连接（{type(error).__name__}）"
        if response.status_code != 200:
            return [], f"业务系统返回错误 {response.status_code}"
        body = response.json()
        return (body.get("cases", []) if isinstance(body, dict) else body), None


class CaseDesk:
    """The back office as staff use it: the staff token, the person acting (X-Actor) and,
    for a department's account, its department (X-Department); the back office applies
    the permission rules, the console only shows what it answers."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, staff_token: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/") + "/api/v1"
        self._token = staff_token

    def headers(self, username: str, department: str | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._token}", "X-Actor": username}
        if department:
            headers["X-Department"] = department
        return headers

    async def call(self, username: str, department: str | None, method: str, path: str,
                   params: dict[str, Any] | None = None, body: Any = None) -> httpx.Response:
        """One request; raises UpstreamError when the back office cannot be reached."""
        try:
            return await self._http.request(
                method, self._base + path, params={k: v for k, v in (params or {}).items()
                                                   if v not in (None, "")},
                json=body, headers=self.headers(username, department), timeout=10)
        except httpx.HTTPError as error:
            logger.warning("back office not reachable: %s", type(error).__name__)
            raise UpstreamError(f"业务系统暂时无法连接（{type(error).__name__}）") from error
