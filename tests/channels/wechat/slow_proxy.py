"""A slow back office: a loopback HTTP proxy in front of the real one that can
hold every request for a while before forwarding it."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

HOP_HEADERS = {"host", "content-length", "connection", "transfer-encoding"}


class SlowProxy:
    def __init__(self) -> None:
        self.target = ""         # the real back office, set once it runs
        self.delay_s = 0.0
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> "SlowProxy":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"


def _handler_for(proxy: SlowProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _forward(self) -> None:
            proxy.requests += 1
            body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
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
