"""The Redis rate limiter (state/ratelimit.py) against a real Redis."""
from __future__ import annotations

import asyncio
import uuid

import pytest
import redis.asyncio as aioredis

from bot.embedded_redis import free_port
from state.ratelimit import RateLimiter


@pytest.fixture
async def limiter(redis_url):
    client = aioredis.from_url(redis_url, decode_responses=True)
    yield RateLimiter(client, f"t{uuid.uuid4().hex[:8]}:rl")
    await client.close()


async def test_allows_up_to_the_limit_then_refuses_with_a_wait(limiter):
    results = [await limiter.hit("sender:a", 5, 30) for _ in range(7)]
    assert results == [True] * 5 + [False, False]
    decision = await limiter.decide("sender:a", 5, 30)
    assert not decision.allowed
    assert 0 < decision.retry_after_s <= 30


async def test_identities_are_counted_apart(limiter):
    assert all([await limiter.hit("ip:203.0.113.1", 3, 30) for _ in range(3)])
    assert not await limiter.hit("ip:203.0.113.1", 3, 30)
    assert await limiter.hit("ip:203.0.113.2", 3, 30)


async def test_the_window_slides_and_lets_the_sender_in_again(limiter):
    assert all([await limiter.hit("sender:b", 4, 1) for _ in range(4)])
    assert not await limiter.hit("sender:b", 4, 1)
    await asyncio.sleep(2.1)  # two whole windows: nothing of the burst is left
    assert await limiter.hit("sender:b", 4, 1)


async def test_refused_hits_do_not_extend_the_lockout(limiter):
    assert all([await limiter.hit("sender:c", 2, 1) for _ in range(2)])
    for _ in range(20):
        assert not await limiter.hit("sender:c", 2, 1)
    await asyncio.sleep(2.1)
    assert await limiter.hit("sender:c", 2, 1)


async def test_two_servers_sharing_redis_never_exceed_the_limit(redis_url):
    prefix = f"t{uuid.uuid4().hex[:8]}:rl"
    clients = [aioredis.from_url(redis_url) for _ in range(2)]
    limiters = [RateLimiter(c, prefix) for c in clients]
    try:
        hits = [limiters[i % 2].hit("sender:shared", 20, 30) for i in range(60)]
        results = await asyncio.gather(*hits)
    finally:
        for c in clients:
            await c.close()
    assert sum(results) == 20


async def test_keys_hold_no_identity_and_expire(limiter, redis_url):
    phone_like = "sender:" + "1" + "39" + "00001111"
    await limiter.hit(phone_like, 10, 60)
    client = aioredis.from_url(redis_url, decode_responses=True)
    try:
        keys = [k async for k in client.scan_iter(match=limiter.key(phone_like) + "*")]
        assert len(keys) == 1
        assert "39" + "00001111" not in keys[0]
        ttl = await client.pttl(keys[0])
        assert 0 < ttl <= 120_000
    finally:
        await client.close()


async def test_zero_turns_the_limit_off(limiter):
    assert all([await limiter.hit("sender:d", 0, 60) for _ in range(50)])


async def test_fails_open_when_redis_is_unreachable():
    dead = aioredis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5)
    try:
        assert await RateLimiter(dead, "rl").hit("sender:e", 1, 60)
    finally:
        await dead.close()
