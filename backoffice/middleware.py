"""Pure ASGI middleware: request guard, bearer auth, body size limit.

They run before FastAPI reads the body, so a bad token gets 401 even when the
body is malformed, and an oversized body never reaches JSON parsing.
"""
from __future__ import annotations

import hmac
import logging
import time
import traceback
from typing import Any, Awaitable, Callable, Dict, Iterable, Optional

import anyio
from starlette.responses import JSONResponse

from backoffice.principal import (
    ASSISTANT, STAFF, Principal, department_principal, staff_principal, valid_department_id,
)

logger = logging.getLogger(__name__)

Scope = Dict[str, Any]
Message = Dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_PATHS = frozenset({"/healthz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
STAFF_ONLY_METHODS = frozenset({"PATCH", "PUT", "DELETE"})
# An oversized body is read and dropped up to this many bytes so the client sees
# the 413 instead of a connection reset; beyond it the connection is simply closed.
DRAIN_LIMIT_BYTES = 4 * 1024 * 1024


async def send_error(send: Send, status: int, error: str, detail: str,
                     headers: Optional[Dict[str, str]] = None) -> None:
    response = JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:  # JSONResponse never reads the request
    return {"type": "http.disconnect"}


class RequestGuard:
    """Access log without query strings, and a JSON 500 for anything unhandled.

    The log names the exception type and the code locations only: messages of
    arbitrary exceptions may carry residents' data.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        state = {"status": 0}

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            logger.error(
                "unhandled %s in %s %s at %s", type(exc).__name__, scope["method"],
                scope["path"], _locations(exc),
            )
            if state["status"] == 0:
                state["status"] = 500
                await send_error(send, 500, "internal_error", "internal server error")
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.info("%s %s -> %d (%.1f ms)", scope["method"], scope["path"], state["status"], elapsed_ms)


def _locations(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)[-6:]
    return " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}:{f.name}" for f in reversed(frames))


class BearerAuth:
    """Sets ``request.state.principal`` (and ``role``) from the bearer token; 401/403 otherwise.

    The two tokens from the settings are compared in constant time; any other token
    is looked up among the departments' tokens (by its SHA-256) in a worker thread.
    """

    def __init__(self, app: ASGIApp, token: str, staff_token: str,
                 department_of_token: Optional[Callable[[str], Optional[str]]] = None,
                 public_paths: Iterable[str] = PUBLIC_PATHS) -> None:
        self.app = app
        self._tokens = ((staff_token.encode(), STAFF), (token.encode(), ASSISTANT))
        self._department_of_token = department_of_token
        self._public = frozenset(public_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self._public:
            await self.app(scope, receive, send)
            return
        principal = await self._principal(scope)
        if principal is None:
            await send_error(send, 401, "unauthorized", "missing or invalid bearer token",
                             {"WWW-Authenticate": "Bearer"})
            return
        if principal.role == ASSISTANT and scope["method"] in STAFF_ONLY_METHODS:
            await send_error(send, 403, "forbidden", "this operation needs the staff token")
            return
        if principal.department_id is not None and not valid_department_id(principal.department_id):
            await send_error(send, 403, "forbidden", "X-Department names no department")
            return
        state = scope.setdefault("state", {})
        state["principal"], state["role"] = principal, principal.role
        await self.app(scope, receive, send)

    async def _principal(self, scope: Scope) -> Optional[Principal]:
        headers = dict(scope.get("headers") or [])
        scheme, _, presented = headers.get(b"authorization", b"").partition(b" ")
        presented = presented.strip()
        if scheme.lower() != b"bearer" or not presented:
            return None
        actor = _header(headers, b"x-actor")
        role = None
        for token, name in self._tokens:  # compare against both: constant work per request
            if hmac.compare_digest(presented, token) and role is None:
                role = name
        if role == STAFF:
            return staff_principal(actor, _header(headers, b"x-department"))
        if role == ASSISTANT:
            return Principal(ASSISTANT, "assistant")
        if self._department_of_token is None:
            return None
        department = await anyio.to_thread.run_sync(
            self._department_of_token, presented.decode("utf-8", "replace"))
        return department_principal(department, actor) if department else None


def _header(headers: Dict[bytes, bytes], name: bytes) -> Optional[str]:
    value = headers.get(name)
    return value.decode("latin-1").strip() or None if value else None


class BodyLimit:
    """413 for request bodies over ``max_bytes``, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > DRAIN_LIMIT_BYTES:
            await self._too_large(send)
            return
        body, total, more = bytearray(), 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            more = message.get("more_body", False)
            total += len(chunk)
            if total <= self.max_bytes:
                body.extend(chunk)
            elif total > DRAIN_LIMIT_BYTES:
                break  # stop reading; the content past the limit is dropped anyway
        if total > self.max_bytes:
            await self._too_large(send)
            return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _too_large(self, send: Send) -> None:
        await send_error(send, 413, "payload_too_large",
                         f"request body is limited to {self.max_bytes} bytes")


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
