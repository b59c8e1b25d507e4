"""Messages on their way to a resident's web chat page: one Redis stream per conversation.

The page follows its stream with server-sent events, so a message written by
any process (the assistant's reply, a staff member's reply through Rasa's
tracker-events API, a case status notification) reaches it, and a page that
reconnects replays what it missed from its last event id.
"""
from __future__ import annotations

import json
import re
import time
from typing import Any

import redis.asyncio as aioredis

SENDER_RE = re.compile(r"^web-[0-9a-f]{32}$")
MAXLEN = 1000


def valid_sender(sender: str) -> bool:
    return bool(SENDER_RE.match(sender or ""))


class WebChatOutbox:
    def __init__(self, redis: aioredis.Redis, prefix: str, expiry_s: int) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:webchat:out:"
        self._expiry_s = expiry_s

    def key(self, sender: str) -> str:
        return self._prefix + sender

    async def push(self, sender: str, role: str, message: dict[str, Any]) -> str:
        """Append one message (role: resident, bot, staff, notice) for the page."""
        entry = {"role": role, "at": f"{time.time():.3f}",
                 "message": json.dumps(message, ensure_ascii=False, default=str)}
        key = self.key(sender)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.xadd(key, entry, maxlen=MAXLEN, approximate=True)
            pipe.expire(key, self._expiry_s)
            entry_id, _ = await pipe.execute()
        return entry_id

    async def read(self, sender: str, after: str, block_ms: int) -> list[tuple[str, dict[str, Any]]]:
        found = await self._redis.xread({self.key(sender): after}, block=block_ms, count=200)
        out = []
        for _, entries in found:
            for entry_id, fields in entries:
                out.append((entry_id, {"id": entry_id, "role": fields.get("role"),
                                       "at": float(fields.get("at") or 0),
                                       **json.loads(fields.get("message") or "{}")}))
        return out
