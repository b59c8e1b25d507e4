"""Fixtures: the real back office as a subprocess on a free loopback port.

Test data is synthetic, and assertions about personal data compare booleans
so that a failure never prints a phone or ID number.
"""
from __future__ import annotations

import json
import os
import queue
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, Optional

import httpx
import pytest
from cryptography.fernet import Fernet

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # so a bare `pytest` run from anywhere finds the package
    sys.path.insert(0, str(REPO_ROOT))
TOKEN = "test-assistant-token"
STAFF_TOKEN = "test-staff-token"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    base_url: str
    db_path: Optional[Path]
    log_path: Path
    process: subprocess.Popen

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(tmp_dir: Path, extra_env: Dict[str, str]) -> RunningServer:
    """Start ``python -m backoffice`` and wait until /healthz answers."""
    port = free_port()
    db_path = tmp_dir / "var" / "backoffice.db"
    env = {
        **os.environ,
        "BACKOFFICE_HOST": "127.0.0.1",
        "BACKOFFICE_PORT": str(port),
        "DATABASE_URL": f"sqlite:///{db_path}",
        "BACKOFFICE_TOKEN": TOKEN,
        "BACKOFFICE_STAFF_TOKEN": STAFF_TOKEN,
        "BACKOFFICE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "PYTHONPATH": str(REPO_ROOT),
        **extra_env,
    }
    log_path = tmp_dir / f"backoffice-{port}.log"
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "backoffice"], cwd=tmp_dir, env=env,
        stdout=log_file, stderr=subprocess.STDOUT,
    )
    log_file.close()
    base_url = f"http://127.0.0.1:{port}"
    server = RunningServer(base_url, db_path if "DATABASE_URL" not in extra_env else None,
                           log_path, process)
    _wait_healthy(server)
    return server


def _wait_healthy(server: RunningServer, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"back office exited early:\n{server.log_text()[-3000:]}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("back office did not become healthy in time")


def stop_server(server: RunningServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)


class NotifySink:
    """A tiny local HTTP server standing in for the assistant's notify endpoint."""

    def __init__(self) -> None:
        self.received: "queue.Queue[dict]" = queue.Queue()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                sink.received.put({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                   "json": json.loads(body)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/notify"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def wait_for(self, case_number: str, status: str, timeout_s: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no notification for {case_number} -> {status}")
            try:
                item = self.received.get(timeout=remaining)
            except queue.Empty:
                continue
            body = item["json"]
            if body.get("case_number") == case_number and body.get("status") == status:
                return item

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="session")
def notify_sink() -> Iterator[NotifySink]:
    sink = NotifySink()
    yield sink
    sink.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory, notify_sink: NotifySink) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("backoffice"),
                           {"BACKOFFICE_NOTIFY_URL": notify_sink.url})
    yield running
    stop_server(running)


@pytest.fixture()
def client(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10.0,
                      headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        yield http


@pytest.fixture()
def staff(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10.0,
                      headers={"Authorization": f"Bearer {STAFF_TOKEN}"}) as http:
        yield http


def synthetic_phone() -> str:
    return "139" + "".join(random.choice("0123456789") for _ in range(8))


def synthetic_id_number() -> str:
    return "110105" + "1940" + "0312" + "".join(random.choice("0123456789") for _ in range(3)) + "X"


def case_body(service: str = "property_repair", **overrides) -> dict:
    body = {
        "service": service,
        "fields": {"address": "3号楼2单元502", "building": "3", "unit": "2", "room": "502",
                   "repair_category": "water", "description": "厨房水管漏水",
                   "phone": synthetic_phone()},
        "channel": "rest",
        "conversation_id": f"conv-{uuid.uuid4().hex[:12]}",
        "idempotency_key": uuid.uuid4().hex,
    }
    body.update(overrides)
    return body


# Helpers reach the tests as fixtures: no test imports conftest by module name,
# which stays robust whatever import mode the suite runs under.
@pytest.fixture()
def make_case():
    return case_body


@pytest.fixture()
def make_phone():
    return synthetic_phone


@pytest.fixture()
def make_id_number():
    return synthetic_id_number


@pytest.fixture()
def server_factory(tmp_path_factory):
    """Start extra back offices (own env); all are stopped after the test."""
    started = []

    def start(extra_env: Dict[str, str]) -> RunningServer:
        running = start_server(tmp_path_factory.mktemp("backoffice-extra"), extra_env)
        started.append(running)
        return running

    yield start
    for running in started:
        stop_server(running)
