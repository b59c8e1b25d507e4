"""Prometheus metrics: what every process of the assistant shares.

Each process defines its own metrics beside the code it measures (turns in
bot/rasa_server.py, actions in bot/action_server.py, back-office calls in the
back-office client, queues in the outbox worker, speech in voice/) and serves
them at /metrics on its HTTP port; a process without one (the outbox worker)
serves them on a port of its own. The metrics and the alerts a centre should set
are in README.md (Operations).
"""
from __future__ import annotations

import time
from typing import Any, Callable, Sequence

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest, start_http_server

# Seconds a resident waits: a reply in under half a second feels instant, over two
# is slow, and a WeChat reply must be out within five.
LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)


def exposition() -> tuple[bytes, str]:
    """This process's metrics in the text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def serve_on_port(port: int, host: str = "127.0.0.1") -> None:
    """/metrics on a port of its own (a daemon thread), for processes without HTTP."""
    start_http_server(port, addr=host)


def outcome_of(status: int) -> str:
    """An HTTP status as a low-cardinality label."""
    if status < 400:
        return "ok"
    return "client_error" if status < 500 else "server_error"


def time_sanic_requests(app: Any, histogram: Any, timed: Callable[[Any], bool],
                        labels: Callable[[Any, Any], Sequence[str]]) -> None:
    """On a Sanic app (Rasa's, rasa-sdk's): observe the seconds of each request ``timed``
    picks, labelled by ``labels(request, response)`` and the outcome, and serve /metrics."""
    from sanic.response import HTTPResponse

    async def started(request: Any) -> None:
        if timed(request):
            request.ctx.metrics_started = time.perf_counter()

    async def finished(request: Any, response: Any) -> None:
        begun = getattr(request.ctx, "metrics_started", None)
        if begun is not None and response is not None:
            histogram.labels(*labels(request, response), outcome_of(response.status)).observe(
                time.perf_counter() - begun)

    async def metrics(request: Any) -> HTTPResponse:
        body, content_type = exposition()
        return HTTPResponse(body, content_type=content_type)

    app.register_middleware(started, "request")
    app.register_middleware(finished, "response")
    app.add_route(metrics, "/metrics", methods=["GET"], name="prometheus_metrics")
