"""The application factory: settings in, a ready ASGI app out."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from backoffice import api, api_admin, api_casework
from backoffice.casework import CallbackStore, NoteStore
from backoffice.crypto import FieldCipher
from backoffice.db import create_db_engine
from backoffice.middleware import BearerAuth, BodyLimit, RequestGuard
from backoffice.migrations import migrate
from backoffice.notify import build_notifier
from backoffice.organisation import DepartmentStore
from backoffice.repository import CaseRepository
from backoffice.settings import Settings

logger = logging.getLogger(__name__)

API_VERSION = "1.1.0"
DESCRIPTION = """Reference case-intake back office of the community-service-centre assistant.

All `/api/v1` routes need `Authorization: Bearer <token>`:

- `BACKOFFICE_TOKEN`: the assistant. Files and amends cases, finds them by phone or
  conversation; no status changes, routing, notes, callbacks or audit log.
- `BACKOFFICE_STAFF_TOKEN`: the centre's staff, every case. A trusted front end (the
  console) names the person acting in `X-Actor` (recorded in histories and the audit
  log) and may narrow a request to one department with `X-Department`, which then
  behaves exactly as that department's account.
- a department's own token (`POST /api/v1/departments/{id}/tokens`): only the cases
  routed to that department (others answer 404); status changes (no reopening), notes,
  callbacks, returning a case to the centre.

New cases are routed to a department by the routing table (`GET/PUT /api/v1/routing`).
Status moves forward (`received → accepted → in_progress → done`, or `rejected` with a
note); each change reaches the resident on their channel, and a phone caller's
department gets a callback task. Every change is in the audit log (`GET /api/v1/audit`).
Personal data is stored encrypted and masked in every response. Errors are
`{"error": <code>, "detail": <text or list>}`.
"""

_JSON_DECODE_ERRORS = ("json_invalid", "value_error.jsondecode")
_HTTP_ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden",
                     404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    """Build the app: open the database, migrate it, wire routes and middleware."""
    settings = settings or Settings.from_env()
    engine = create_db_engine(settings.database_url)
    version = migrate(engine)
    notifier = build_notifier(settings.notify_url, settings.notify_timeout_s, settings.notify_token)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        notifier.close()
        engine.dispose()

    app = FastAPI(title="Community centre back office", version=API_VERSION,
                  description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.schema_version = version
    cipher = FieldCipher(settings.encryption_key)
    app.state.repo = CaseRepository(engine, cipher)
    app.state.departments = DepartmentStore(engine)
    app.state.notes = NoteStore(engine, cipher)
    app.state.callbacks = CallbackStore(engine, cipher)
    app.state.notifier = notifier
    app.include_router(api.public)
    app.include_router(api.router)
    app.include_router(api_casework.router)
    app.include_router(api_admin.router)
    _add_exception_handlers(app)
    # Added innermost first: RequestGuard ends up outermost.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(BearerAuth, token=settings.token, staff_token=settings.staff_token,
                       department_of_token=app.state.departments.department_of_token)
    app.add_middleware(RequestGuard)
    logger.info("back office ready: schema version %d, notifications %s",
                version, "on" if settings.notify_url else "off")
    return app


def _add_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(api.ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)


async def _api_error(_request: Request, exc: api.ApiError) -> JSONResponse:
    return JSONResponse({"error": exc.error, "detail": exc.detail}, status_code=exc.status)


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """400 for unparseable JSON, 422 otherwise; never echo the submitted values."""
    errors = exc.errors()
    if any(e.get("type") in _JSON_DECODE_ERRORS for e in errors):
        return JSONResponse({"error": "malformed_json", "detail": "request body is not valid JSON"},
                            status_code=400)
    detail = [_safe_error(e) for e in errors]
    return JSONResponse({"error": "validation_error", "detail": detail}, status_code=422)


def _safe_error(error: Dict[str, Any]) -> Dict[str, Any]:
    return {"loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))}


async def _database_unavailable(request: Request, exc: OperationalError) -> JSONResponse:
    """Locked past the busy timeout, or the server gone: worth a retry, unlike a 500."""
    # The message holds SQL and bound parameters: log the kind only.
    logger.error("database unavailable (%s) in %s %s", type(exc.orig).__name__,
                 request.method, request.url.path)
    return JSONResponse({"error": "database_unavailable", "detail": "database busy or unavailable"},
                        status_code=503, headers={"Retry-After": "1"})


async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = _HTTP_ERROR_CODES.get(exc.status_code, "http_error")
    return JSONResponse({"error": code, "detail": str(exc.detail)}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))
