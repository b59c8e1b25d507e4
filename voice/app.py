"""The gateway's HTTP side: WebSocket media stream, call page, dialplan helpers.

Routes:
  GET  /health                     status and number of active calls
  GET  /call                       browser call page (microphone → WebSocket)
  WS   /ws                         media stream (voice.transports.websocket)
  POST /calls/{call_id}            {"caller_number": "..."} before AudioSocket connects
  GET  /calls/{call_id}/outcome    {"action": "transfer"|"hangup", ...}; ?format=text gives
                                   "transfer <target>" or "hangup" for the dialplan
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from pathlib import Path

from fastapi import FastAPI, HTTPException, WebSocket
from fastapi.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from prometheus_client import Gauge
from pydantic import BaseModel, validator

from bot.metrics import exposition
from voice.gateway import Services, warm_prompts
from voice.transports import audiosocket, websocket

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
_CALL_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
CALLS_IN_PROGRESS = Gauge("voice_calls_in_progress", "Calls connected to the gateway now")


class CallRegistration(BaseModel):
    caller_number: str | None = None

    @validator("caller_number")
    def digits(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\+?[0-9]{3,20}", value):
            raise ValueError("digits only, optional leading +")
        return value


def _check_id(call_id: str) -> None:
    if not _CALL_ID.match(call_id):
        raise HTTPException(400, "call_id: 1-64 letters, digits, '_', '.', '-'")


def create_app(build) -> FastAPI:
    """`build` is an async factory of Services (models load in the lifespan, not at import)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        services: Services = await build()
        server = await audiosocket.serve(services)
        warming = asyncio.create_task(warm_prompts(services.synthesizer))
        app.state.services = services
        CALLS_IN_PROGRESS.set_function(lambda: len(services.active))
        logger.info("AudioSocket on %s:%s", services.settings.host, services.settings.audiosocket_port)
        try:
            yield
        finally:
            warming.cancel()
            server.close()
            for call in list(services.active.values()):
                call.caller_gone.set()
            await asyncio.sleep(0.2)
            await services.close()

    app = FastAPI(title="社区服务热线语音网关", lifespan=lifespan)
    _routes(app)
    return app


def _routes(app: FastAPI) -> None:
    @app.get("/health")
    async def health() -> dict:
        return {"status": "ok", "calls": len(app.state.services.active)}

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        body, content_type = exposition()
        return Response(body, media_type=content_type)

    @app.get("/")
    async def root() -> RedirectResponse:
        return RedirectResponse("/call")

    @app.get("/call")
    async def call_page() -> FileResponse:
        return FileResponse(STATIC / "call.html", media_type="text/html; charset=utf-8")

    @app.websocket("/ws")
    async def media(ws: WebSocket) -> None:
        await websocket.handle(app.state.services, ws)

    @app.post("/calls/{call_id}", status_code=204, response_class=Response)
    async def register(call_id: str, body: CallRegistration) -> Response:
        _check_id(call_id)
        await app.state.services.calls.register(call_id, body.dict(exclude_none=True))
        return Response(status_code=204)

    @app.get("/calls/{call_id}/outcome")
    async def outcome(call_id: str, format: str = "json"):
        _check_id(call_id)
        result = await app.state.services.calls.outcome(call_id)
        if result is None:
            raise HTTPException(404, "no outcome for this call (yet)")
        if format == "text":
            text = (f"transfer {result['target']}" if result["action"] == "transfer" else "hangup")
            return PlainTextResponse(text)
        return result
