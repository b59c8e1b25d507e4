"""Request rate limits shared by every public webhook, kept in Redis.

A sliding-window counter: the current fixed window's count plus the previous
window's count weighted by how much of it still overlaps the sliding window.
Two small keys per identity whatever the limit (a log of timestamps would grow
with the limit), one Lua script per hit so that several Rasa servers or
channel processes sharing one Redis count together and never race, and the
clock is Redis's own (`TIME`), so servers with skewed clocks agree.

Refused hits are not counted: a client that keeps hammering is let in again
as soon as its earlier accepted requests leave the window. Identities are
hashed before they become keys: sender ids can be phone numbers or WeChat
openids, and keys show up in monitoring tools.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Optional

import redis.asyncio as aioredis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# KEYS[1] current window, KEYS[2] previous window are derived inside the script
# from the base key, because the window index depends on Redis's clock.
# ARGV: base key, limit, window in milliseconds.
# Returns {allowed (0/1), estimated count, milliseconds until a hit would pass}.
_SLIDING_WINDOW = """
local base = ARGV[1]
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local index = math.floor(now / window)
local current_key = base .. ':' .. index
local previous_key = base .. ':' .. (index - 1)
local current = tonumber(redis.call('GET', current_key) or '0')
local previous = tonumber(redis.call('GET', previous_key) or '0')
local elapsed = now - index * window
local weight = (window - elapsed) / window
local estimate = previous * weight + current
if estimate + 1 > limit then
  local wait = window - elapsed
  if current < limit and previous > 0 then
    -- the previous window's share shrinks linearly: when does one more fit?
    local need = (estimate + 1 - limit) / previous * window
    if need < wait then wait = need end
  end
  return {0, math.floor(estimate), math.ceil(wait)}
end
redis.call('INCR', current_key)
redis.call('PEXPIRE', current_key, window * 2)
return {1, math.floor(estimate + 1), 0}
"""


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    count: int
    retry_after_s: float


class RateLimiter:
    """`await RateLimiter(redis, "sq:rl:rest").hit("sender:u1", 30, 60)` -> True if allowed.

    Fails open: when Redis cannot be reached the request is allowed and a
    warning logged, so a Redis hiccup never turns into refused residents (the
    assistant needs Redis for its trackers anyway and will answer with its
    own error).
    """

    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._script = redis.register_script(_SLIDING_WINDOW)

    def key(self, identity: str) -> str:
        digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"{self._prefix}:{digest}"

    async def decide(self, identity: str, limit: int, window_s: float) -> RateDecision:
        """Count one hit of ``identity`` unless it would exceed ``limit`` per ``window_s``."""
        if limit <= 0:
            return RateDecision(True, 0, 0.0)
        window_ms = max(1, int(window_s * 1000))
        try:
            allowed, count, wait_ms = await self._script(args=[self.key(identity), limit, window_ms])
        except RedisError as exc:
            logger.warning("rate limiter unavailable (%s): request allowed", type(exc).__name__)
            return RateDecision(True, 0, 0.0)
        return RateDecision(bool(allowed), int(count), int(wait_ms) / 1000)

    async def hit(self, identity: str, limit: int, window_s: float) -> bool:
        return (await self.decide(identity, limit, window_s)).allowed


def client_ip(peer: str, forwarded_for: Optional[str], trusted: frozenset[str]) -> Optional[str]:
    """The address to count a request under; None for a trusted proxy's own request.

    Behind trusted proxies the client is the rightmost X-Forwarded-For entry that
    is not itself a trusted proxy (entries further left are the client's to forge).
    """
    if peer not in trusted:
        return peer
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop[:64]
    return None
