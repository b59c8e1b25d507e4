"""Request dependencies: the console's shared objects, the session, CSRF and roles."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import httpx
import redis.asyncio as aioredis
from fastapi import HTTPException, Request

from channels.console.auth import COOKIE, LoginLimiter, Session, Sessions
from channels.console.canned import CannedReplies
from channels.console.clients import BackofficeClient, CaseDesk, RasaClient
from channels.console.settings import ConsoleSettings
from channels.console.users import UserStore
from state.audit import AuditLog
from state.events import EventReader
from state.handoff import HandoffQueue
from state.outbox import Outbox
from state.takeover import Takeovers

MAX_BODY = 16 * 1024


@dataclass
class Console:
    settings: ConsoleSettings
    redis: aioredis.Redis
    http: httpx.AsyncClient
    users: UserStore
    sessions: Sessions
    limiter: LoginLimiter
    queue: HandoffQueue
    takeovers: Takeovers
    audit: AuditLog
    events: EventReader
    rasa: RasaClient
    backoffice: BackofficeClient
    desk: CaseDesk
    canned: CannedReplies
    outbox: Outbox


def build_console(settings: ConsoleSettings) -> Console:
    client = aioredis.from_url(settings.redis_url, decode_responses=True)
    http = httpx.AsyncClient()
    prefix = settings.prefix
    return Console(
        settings, client, http, UserStore(settings.db_path),
        Sessions(client, prefix, settings.session_ttl_s),
        LoginLimiter(client, prefix, settings.login_limit_ip, settings.login_limit_user,
                     settings.login_window_s),
        HandoffQueue(client, prefix), Takeovers(client, prefix), AuditLog(client, prefix),
        EventReader(client, prefix), RasaClient(http, settings.rasa_url, settings.rasa_token),
        BackofficeClient(http, settings.backoffice_url, settings.backoffice_token),
        CaseDesk(http, settings.backoffice_url, settings.backoffice_staff_token),
        CannedReplies(settings.db_path), Outbox(client, prefix),
    )


class LoginRequired(Exception):
    """A page was asked for without a session: the handler redirects to /login."""


def console(request: Request) -> Console:
    return request.app.state.console


async def _session(request: Request) -> Session | None:
    return await console(request).sessions.get(request.cookies.get(COOKIE))


async def page_session(request: Request) -> Session:
    session = await _session(request)
    if session is None:
        raise LoginRequired()
    return session


async def api_session(request: Request) -> Session:
    session = await _session(request)
    if session is None:
        raise HTTPException(401, "请先登录")
    return session


async def form_or_json(request: Request) -> dict[str, Any]:
    """The body of a POST as a dict (JSON or an HTML form), refused when oversized or malformed."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise HTTPException(413, "请求内容过长")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise HTTPException(400, "请求内容不是有效的 JSON") from None
        if not isinstance(body, dict):
            raise HTTPException(400, "请求内容必须是 JSON 对象")
        return body
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}


async def checked_post(request: Request, session: Session) -> dict[str, Any]:
    """The body of a state-changing request, after its CSRF token was verified."""
    body = await form_or_json(request)
    token = request.headers.get("x-csrf-token") or body.get("csrf_token")
    if not session.csrf_ok(token if isinstance(token, str) else None):
        raise HTTPException(403, "安全校验失败（CSRF），请刷新页面后重试")
    return body


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def require_admin(session: Session) -> None:
    if session.role != "admin":
        raise HTTPException(403, "仅管理员可以访问")


async def centre_session(request: Request) -> Session:
    """The centre's own staff: the queue and residents' conversations are theirs, not a
    department's account's."""
    session = await api_session(request)
    if not session.centre:
        raise HTTPException(403, "部门账号只能查看本部门的办件和回电任务")
    return session
