"""A stand-in for WeChat's HTTP API on a loopback port, for tests and benchmarks.

Speaks the endpoints the channel uses, under /cgi-bin/: `token`, `media/get`,
`message/custom/send`, `message/template/send`, with WeChat's JSON errors
(40001 for a token it did not issue or revoked, 40007 for an unknown media id,
40125 for a wrong secret, 45002 for text over 2048 bytes). Tests can revoke the
current token, make the next calls fail with HTTP 500 or answer slowly, and read
what was sent.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.local_server import LocalServer

TEXT_LIMIT_BYTES = 2048


@dataclass
class Sent:
    kind: str            # "custom" or "template"
    touser: str
    body: dict[str, Any]
    at: float = field(default_factory=time.time)

    @property
    def text(self) -> str:
        if self.kind == "custom":
            return self.body.get("text", {}).get("content", "")
        return "".join(v.get("value", "") for v in self.body.get("data", {}).values())


class FakeWeChatApi(LocalServer):
    def __init__(self, app_id: str, secret: str) -> None:
        self.app_id = app_id
        self.secret = secret
        self.media: dict[str, tuple[bytes, str]] = {}
        self.sent: list[Sent] = []
        self.token_fetches = 0
        self.media_downloads: list[str] = []
        self.failures_left = 0    # next calls to message APIs answer HTTP 500
        self.delay_s = 0.0        # every call to message APIs waits this long first
        self._tokens: set[str] = set()
        self._lock = threading.Lock()

    # --- control from tests ---
    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler_for(self)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/"

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def sent_to(self, openid: str) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if s.touser == openid]

    # --- the API ---
    def issue_token(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("appid") != self.app_id or query.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        token = uuid.uuid4().hex
        with self._lock:
            self.token_fetches += 1
            self._tokens.add(token)
        return {"access_token": token, "expires_in": 7200}

    def token_ok(self, query: dict[str, str]) -> bool:
        with self._lock:
            return query.get("access_token") in self._tokens

    def take_failure(self) -> bool:
        with self._lock:
            if self.failures_left > 0:
                self.failures_left -= 1
                return True
            return False

    def record(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        if kind == "custom" and body.get("msgtype") == "text":
            if len(body["text"]["content"].encode("utf-8")) > TEXT_LIMIT_BYTES:
                return {"errcode": 45002, "errmsg": "content size out of limit"}
        with self._lock:
            self.sent.append(Sent(kind, body.get("touser", ""), body))
        return {"errcode": 0, "errmsg": "ok", **({"msgid": len(self.sent)} if kind == "template" else {})}


def _handler_for(api: FakeWeChatApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _query(self) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

        def _json(self, payload: dict[str, Any], status: int = 200) -> None:
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path, query = urlparse(self.path).path, self._query()
            if path == "/cgi-bin/token":
                return self._json(api.issue_token(query))
            if path == "/cgi-bin/media/get":
                return self._media(query)
            self._json({"errcode": 404, "errmsg": "no such endpoint"}, 404)

        def _media(self, query: dict[str, str]) -> None:
            if not api.token_ok(query):
                return self._json({"errcode": 40001, "errmsg": "invalid credential"})
            if query.get("media_id") not in api.media:
                return self._json({"errcode": 40007, "errmsg": "invalid media_id"})
            data, content_type = api.media[query["media_id"]]
            api.media_downloads.append(query["media_id"])
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            path, query = urlparse(self.path).path, self._query()
            kinds = {"/cgi-bin/message/custom/send": "custom",
                     "/cgi-bin/message/template/send": "template"}
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if path not in kinds:
                return self._json({"errcode": 404, "errmsg": "no such endpoint"}, 404)
            if api.delay_s:
                time.sleep(api.delay_s)
            if api.take_failure():
                return self._json({"errcode": -1, "errmsg": "system error"}, 500)
            if not api.token_ok(query):
                return self._json({"errcode": 40001, "errmsg": "invalid credential"})
            self._json(api.record(kinds[path], body))

    return Handler
