"""A conversation's lock ticket does not outlive a Redis restart (bot/redis_stores.py).

Found by the restart_redis fault drill: a message that arrived as Redis went down
left its ticket in the append-only file, and the conversation's next message
waited 60 s for it to expire. A real Redis is stopped (SIGTERM) and started again
from its append-only file while a message holds the lock.
"""
from __future__ import annotations

import time

import pytest
import redis

from bot.embedded_redis import free_port
from bot.redis_stores import UrlRedisLockStore
from tests.hardening.conftest import start_redis, stop_redis


@pytest.fixture
def restartable_redis(tmp_path, monkeypatch):
    """A persistent Redis for this test alone: (port, stop, restart from its AOF)."""
    port = free_port()
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{port}/0")
    procs = [start_redis(port, tmp_path, persist=True)]

    def restart() -> None:
        stop_redis(procs[0])
        procs[0] = start_redis(port, tmp_path, persist=True)

    yield port, lambda: stop_redis(procs[0]), restart
    if procs[0].poll() is None:
        stop_redis(procs[0])


async def test_a_ticket_left_while_redis_was_away_is_removed_when_it_returns(restartable_redis):
    port, stop, restart = restartable_redis
    store = UrlRedisLockStore(retry_s=0.1)
    # Redis goes away while the message is being handled: the turn fails (so the
    # resident's message is sent again; a failed tracker save alone would be silent)
    with pytest.raises(redis.ConnectionError):
        async with store.lock("resident-1"):
            stop()
    # the ticket could not be removed; it is in the append-only file
    restart_started = time.monotonic()
    restart()
    assert redis.Redis(port=port).keys("*lock*"), "the drill's situation was not reproduced"

    # the conversation's next message gets the lock as soon as Redis is back
    async with store.lock("resident-1", wait_time_in_seconds=0.1):
        waited = time.monotonic() - restart_started
    assert waited < 5, f"the next message waited {waited:.1f} s for a stale ticket"
    assert store.get_lock("resident-1") is None


async def test_normal_turns_leave_no_ticket(restartable_redis):
    store = UrlRedisLockStore()
    for _ in range(3):
        async with store.lock("resident-2"):
            pass
    assert store.get_lock("resident-2") is None
