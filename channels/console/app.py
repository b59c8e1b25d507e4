"""The console's FastAPI app: built by `create_app(settings)`, nothing happens at import."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.metrics import exposition
from channels.console import (
    api, api_campaigns, api_cases, api_form, api_queue, pages, pages_analytics, pages_campaigns,
    pages_cases,
)
from channels.console.auth import Session
from channels.console.deps import LoginRequired, build_console, page_session
from channels.console.settings import ConsoleSettings

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
TYPES = {".css": "text/css; charset=utf-8", ".js": "application/javascript; charset=utf-8"}
# The only file served without a session: the login page needs its style sheet.
PUBLIC_STATIC = {"console.css"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                               "form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def create_app(settings: ConsoleSettings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        c = build_console(settings)
        if await asyncio.to_thread(c.users.ensure_admin, settings.admin_user, settings.admin_password):
            logger.info("admin account %s created from the environment", settings.admin_user)
        app.state.console = c
        yield
        await c.http.aclose()
        await c.redis.close()

    app = FastAPI(title="社区服务中心 · 人工坐席台", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(pages.router)
    app.include_router(pages_cases.router)
    app.include_router(pages_analytics.router)
    app.include_router(pages_campaigns.router)
    app.include_router(api.router)
    app.include_router(api_cases.router)
    app.include_router(api_queue.router)
    app.include_router(api_form.router)
    app.include_router(api_campaigns.router)
    app.add_api_route("/static/{name}", static_file, methods=["GET"])
    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
    app.add_exception_handler(LoginRequired, _to_login)
    app.add_exception_handler(StarletteHTTPException, _http_error)

    @app.middleware("http")
    async def headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


async def static_file(name: str, request: Request) -> Response:
    path = STATIC / name
    if path.suffix not in TYPES or path.parent != STATIC or not path.is_file():
        raise HTTPException(404, "没有这个文件")
    if name not in PUBLIC_STATIC:
        await page_session(request)
    return Response(path.read_bytes(), media_type=TYPES[path.suffix])


async def metrics() -> Response:
    """Prometheus metrics of this process; no session: scrapers are internal."""
    body, content_type = exposition()
    return Response(body, media_type=content_type)


async def _to_login(request: Request, exc: LoginRequired) -> Response:
    return RedirectResponse("/login", status_code=303)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """Errors as {"error": "<Chinese message>"} with the status code."""
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))
