"""Prometheus metrics of the back office, at /metrics (no token: scrapers are internal).

Served by a thin ASGI wrapper in front of the app, so the API's bearer check and
body limit stay as they are. Times every request by method and outcome; the
assistant's side of each call is `assistant_backoffice_request_seconds`.
"""
from __future__ import annotations

import time
from typing import Any, Awaitable, Callable, Dict

from prometheus_client import Histogram, make_asgi_app

Scope = Dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]

REQUEST_SECONDS = Histogram(
    "backoffice_request_seconds", "Seconds the back office took to answer a request",
    ["method", "outcome"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))


def _outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return "client_error" if status < 500 else "server_error"


def with_metrics(app: ASGIApp) -> ASGIApp:
    metrics = make_asgi_app()

    async def asgi(scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        if scope["path"] == "/metrics":
            await metrics(scope, receive, send)
            return
        started, status = time.perf_counter(), {"code": 500}

        async def tracking_send(message: Dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await app(scope, receive, tracking_send)
        finally:
            REQUEST_SECONDS.labels(scope["method"], _outcome(status["code"])).observe(
                time.perf_counter() - started)
    return asgi
