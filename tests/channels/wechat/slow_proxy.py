"""A slow back office: a loopback HTTP proxy in front of the real one that can
hold every request for a while, or until the test lets them through, before
forwarding it."""
from __future__ import annotations

import contextlib
import threading
import time
from typing import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx

from tests.local_server import LocalServer

HOP_HEADERS = {"host", "content-length", "connection", "transfer-encoding"}


class SlowProxy(LocalServer):
    def __init__(self) -> None:
        self.target = ""         # the real back office, set once it runs
        self.delay_s = 0.0
        self.requests = 0
        self.held = 0            # requests that waited at the closed gate
        self._gate = threading.Event()
        self._gate.set()

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """Every request waits at the proxy until the block ends: the back office is
        slow for exactly as long as the test needs, however busy the machine."""
        self._gate.clear()
        try:
            yield
        finally:
            self._gate.set()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler_for(self)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _handler_for(proxy: SlowProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _forward(self) -> None:
            proxy.requests += 1
            body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
            if not proxy._gate.is_set():
                proxy.held += 1
                proxy._gate.wait(120)
            if proxy.delay_s:
                time.sleep(proxy.delay_s)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            upstream = httpx.request(self.command, proxy.target + self.path, headers=headers,
                                     content=body, timeout=60)
            self.send_response(upstream.status_code)
            for key, value in upstream.headers.items():
                if key.lower() not in HOP_HEADERS | {"content-encoding"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(upstream.content)))
            self.end_headers()
            self.wfile.write(upstream.content)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _forward

    return Handler
