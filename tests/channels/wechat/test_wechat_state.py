"""Shared WeChat state in the stack's real Redis: de-duplication under concurrency,
numbered options, the contact window."""
import asyncio
import uuid

import pytest
import redis.asyncio as aioredis

from state.dedup import ANSWERED, MessageDedup
from state.wechat import ContactWindow, ReplyOptions

pytestmark = pytest.mark.slow


@pytest.fixture
async def clients(wechat_stack):
    """Five independent Redis clients, as five workers would have."""
    made = [aioredis.from_url(wechat_stack.redis_url, decode_responses=True) for _ in range(5)]
    yield made
    for client in made:
        await client.close()


async def test_only_one_of_many_concurrent_claims_wins(clients):
    prefix, key = f"t{uuid.uuid4().hex[:6]}", f"wechat:msg:{uuid.uuid4().int % 10**12}"
    wins = await asyncio.gather(*(MessageDedup(clients[i % 5], prefix).claim(key)
                                  for i in range(20)))
    assert sum(wins) == 1
    dedup = MessageDedup(clients[0], prefix)
    await dedup.finish(key, ANSWERED)
    assert await dedup.state(key) == ANSWERED
    assert not await dedup.claim(key)


async def test_a_number_picks_the_option_offered_last(clients):
    options = ReplyOptions(clients[0], f"t{uuid.uuid4().hex[:6]}")
    await options.remember("o1", ['/inform{"cert_method":"home_visit"}',
                                  '/inform{"cert_method":"window"}'])
    assert await options.resolve("o1", "2") == '/inform{"cert_method":"window"}'
    assert await options.resolve("o1", "3") == "3"  # not offered: left to the assistant
    assert await options.resolve("o1", "窗口") == "窗口"
    await options.remember("o1", [])
    assert await options.resolve("o1", "1") == "1"


async def test_contact_window_closes_after_48_hours(clients):
    window = ContactWindow(clients[0], f"t{uuid.uuid4().hex[:6]}")
    assert not await window.is_open("o2")
    await window.touch("o2")
    assert await window.is_open("o2")
    await window.touch("o2", at=1.0)  # last message long ago
    assert not await window.is_open("o2")
