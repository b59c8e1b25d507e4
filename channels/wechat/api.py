"""WeChat's HTTP API (token, media, customer-service and template messages).

wechatpy's client, pointed at a configurable base URL (the real API, or the
stand-in server in tests), with the access token kept in Redis for every worker,
refreshed on expiry or on WeChat's 40001/40014/42001 errors, and every call
retried with exponential back-off when WeChat fails or is slow. The client is
synchronous (requests), so calls run in worker threads.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from channels.wechat.settings import WeChatSettings
from state.wechat import TokenStorage

logger = logging.getLogger(__name__)

TOKEN_ERRCODES = {40001, 40014, 42001}   # invalid, malformed, expired access token
RETRYABLE_ERRCODES = {-1, 45009, 45011}  # system busy, API limits reached
WINDOW_CLOSED_ERRCODE = 45015           # more than 48 h since the resident's last message


class WeChatApiError(Exception):
    def __init__(self, errcode: int | None, message: str) -> None:
        super().__init__(message)
        self.errcode = errcode


class ApiClient(WeChatClient):
    """wechatpy's client with a configurable base URL and a shared, locked token."""

    def __init__(self, settings: WeChatSettings, storage: TokenStorage) -> None:
        super().__init__(settings.app_id, settings.app_secret, session=storage,
                         timeout=settings.api_timeout_s, auto_retry=False)
        self.API_BASE_URL = settings.api_base
        self._storage = storage

    @property
    def access_token(self) -> str:
        token = self.session.get(self.access_token_key)
        if token:
            return token
        with self._storage.lock(self.access_token_key):
            token = self.session.get(self.access_token_key)
            if not token:
                self.fetch_access_token()
                token = self.session.get(self.access_token_key)
        return token

    def refresh_token(self, stale: str | None) -> None:
        """Replace a token WeChat refused, unless another worker already did."""
        with self._storage.lock(self.access_token_key):
            current = self.session.get(self.access_token_key)
            if current and current != stale:
                return
            self.fetch_access_token()

    def fetch_access_token(self) -> dict[str, Any]:
        logger.info("fetching a WeChat access token")
        response = self._http.get(self.API_BASE_URL + "token", timeout=self.timeout, params={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})
        response.raise_for_status()
        result = response.json()
        if result.get("errcode"):
            raise WeChatClientException(result["errcode"], result.get("errmsg"), client=self)
        self.session.set(self.access_token_key, result["access_token"],
                         int(result.get("expires_in", 7200)))
        return result


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, requests.RequestException):
        return True  # connection refused, timeout
    if isinstance(exc, WeChatClientException):
        status = getattr(exc.response, "status_code", None)
        return exc.errcode in RETRYABLE_ERRCODES or (exc.errcode is None and (status or 500) >= 500)
    return False


class WeChatApi:
    """Async calls to WeChat with token refresh and retries with back-off."""

    def __init__(self, client: ApiClient, settings: WeChatSettings) -> None:
        self._client = client
        self._attempts = max(1, settings.api_attempts)
        self._backoff_s = settings.api_backoff_s

    async def send_text(self, openid: str, text: str) -> None:
        await self._call(self._client.message.send_text, openid, text)

    async def send_template(self, openid: str, template_id: str, data: dict[str, Any]) -> None:
        await self._call(self._client.message.send_template, openid, template_id, data)

    async def download_media(self, media_id: str) -> bytes:
        response = await self._call(self._client.media.download, media_id)
        if not isinstance(response, requests.Response):
            raise WeChatApiError(None, "media/get returned no file")
        return response.content

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        for attempt in range(1, self._attempts + 1):
            try:
                return await asyncio.to_thread(self._once, fn, *args)
            except (WeChatClientException, requests.RequestException) as exc:
                errcode = getattr(exc, "errcode", None)
                if not _retryable(exc) or attempt == self._attempts:
                    raise WeChatApiError(errcode, f"{fn.__name__}: {type(exc).__name__} "
                                                  f"{errcode or ''}".strip()) from exc
                delay = self._backoff_s * 2 ** (attempt - 1)
                logger.warning("WeChat %s failed (%s %s), retry %d in %.1fs", fn.__name__,
                               type(exc).__name__, errcode or "", attempt, delay)
                await asyncio.sleep(delay)

    def _once(self, fn: Callable[..., Any], *args: Any) -> Any:
        token = self._client.access_token
        try:
            return fn(*args)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRCODES:
                raise
            logger.info("WeChat refused the access token (%s); fetching a new one", exc.errcode)
            self._client.refresh_token(token)
            return fn(*args)
