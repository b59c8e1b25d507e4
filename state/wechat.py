"""WeChat state every worker of the channel shares, in Redis.

- `TokenStorage`: wechatpy's session storage for the access token, so all workers
  use one token (WeChat invalidates older ones when a new one is fetched) and it
  survives restarts. Synchronous: wechatpy's client runs in worker threads.
- `ContactWindow`: when each resident last wrote to us; customer-service messages
  are allowed only within 48 hours of that.
- `ReplyOptions`: the options last offered to a resident as a numbered list, so a
  bare "2" can be turned back into the option's payload.
- `Undelivered`: messages the WeChat API would not take after every retry, kept for
  staff instead of being dropped.
"""
from __future__ import annotations

import json
import time
from typing import Any

import redis
import redis.asyncio as aioredis
from wechatpy.session import SessionStorage

CONTACT_WINDOW_S = 48 * 3600


class TokenStorage(SessionStorage):
    """Values expire a little before WeChat's own expiry so a fresh one is fetched."""

    def __init__(self, client: redis.Redis, prefix: str, margin_s: int = 300) -> None:
        self._redis = client
        self._prefix = f"{prefix}:wechat:session:"
        self._margin_s = margin_s

    def get(self, key: str, default: Any = None) -> Any:
        raw = self._redis.get(self._prefix + key)
        return default if raw is None else json.loads(raw)

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        if value is None:
            return
        ex = max(30, int(ttl) - self._margin_s) if ttl else None
        self._redis.set(self._prefix + key, json.dumps(value), ex=ex)

    def delete(self, key: str) -> None:
        self._redis.delete(self._prefix + key)

    def lock(self, key: str, timeout_s: float = 15.0) -> Any:
        """A cross-process lock so only one worker fetches a new token at a time."""
        return self._redis.lock(self._prefix + key + ":lock", timeout=timeout_s,
                                blocking_timeout=timeout_s)


class ContactWindow:
    def __init__(self, client: aioredis.Redis, prefix: str,
                 window_s: int = CONTACT_WINDOW_S) -> None:
        self._redis = client
        self._prefix = f"{prefix}:wechat:last_seen:"
        self._window_s = window_s

    async def touch(self, openid: str, at: float | None = None) -> None:
        at = time.time() if at is None else at
        await self._redis.set(self._prefix + openid, f"{at:.0f}", ex=self._window_s)

    async def is_open(self, openid: str, margin_s: int = 60) -> bool:
        """True when the resident wrote within the window (less a safety margin)."""
        raw = await self._redis.get(self._prefix + openid)
        return raw is not None and time.time() - float(raw) < self._window_s - margin_s

    async def close(self, openid: str) -> None:
        await self._redis.delete(self._prefix + openid)


class ReplyOptions:
    def __init__(self, client: aioredis.Redis, prefix: str, ttl_s: int = 3600) -> None:
        self._redis = client
        self._prefix = f"{prefix}:wechat:options:"
        self._ttl_s = ttl_s

    async def remember(self, openid: str, payloads: list[str]) -> None:
        if payloads:
            await self._redis.set(self._prefix + openid, json.dumps(payloads, ensure_ascii=False),
                                  ex=self._ttl_s)
        else:
            await self._redis.delete(self._prefix + openid)

    async def resolve(self, openid: str, text: str) -> str:
        """The payload of option `text` ("1", "2", ...) when one was offered, else `text`."""
        if not text.strip().isdigit():
            return text
        raw = await self._redis.get(self._prefix + openid)
        payloads = json.loads(raw) if raw else []
        index = int(text.strip()) - 1
        return payloads[index] if 0 <= index < len(payloads) else text


class Undelivered:
    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        self._redis = client
        self._key = f"{prefix}:wechat:undelivered"

    async def add(self, openid: str, kind: str, text: str, reason: str) -> None:
        entry = {"openid": openid, "kind": kind, "text": text, "reason": reason,
                 "at": time.time()}
        await self._redis.rpush(self._key, json.dumps(entry, ensure_ascii=False))

    async def all(self) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in await self._redis.lrange(self._key, 0, -1)]
