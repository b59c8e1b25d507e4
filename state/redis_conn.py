"""Build Redis clients from settings; never at import time."""
from __future__ import annotations

import redis.asyncio as aioredis

from bot.settings import Settings


def async_redis(settings: Settings) -> aioredis.Redis:
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set")
    return aioredis.from_url(settings.redis_url, decode_responses=True)
