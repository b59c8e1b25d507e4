"""WebSocket media stream: binary 16-bit PCM both ways plus JSON control messages.

Caller → gateway (first message must be `start`):
  {"event": "start", "call_id": "...", "caller_number": "138...", "sample_rate": 8000|16000,
   "mode": "audio"|"text"}
  binary frames: 16-bit little-endian mono PCM at `sample_rate` (mode "audio")
  {"event": "text", "text": "..."}        a transcript from an upstream recogniser
  {"event": "dtmf", "digit": "5"}          one key ("#" ends the entry, "*" means X)
  {"event": "mark", "name": "..."}         playback acknowledgement (logged)
  {"event": "stop"}                        the caller hung up
Gateway → caller:
  binary frames: the assistant's speech, same format, paced in real time (20 ms)
  {"event": "started", "call_id"}, {"event": "transcript", "text", "source"},
  {"event": "reply", "turn", "text": [...]}, {"event": "mark", "name"} once audio before it
  was sent, {"event": "clear"} on barge-in (drop buffered audio), {"event": "transfer",
  "target", "reason"}, {"event": "hangup", "reason"}, {"event": "error", "message"}.
Refused at once: a connection while VOICE_MAX_CALLS calls are running ("busy", close
1013) and one from an address past VOICE_CALL_STARTS_PER_IP (close 1008).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid

import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect

from voice.audio import StreamResampler, float_to_pcm16, pcm16_to_float
from voice.call import CallInfo
from voice.frames import AudioIn, Dtmf, Hangup, TextIn
from voice.gateway import Services, admit, drive, open_call

logger = logging.getLogger(__name__)
_CALL_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_NUMBER = re.compile(r"^\+?[0-9]{3,20}$")
MAX_TEXT = 500
TOO_MANY_CALLS = "too many calls from this address; try again later"


class BadStart(ValueError):
    pass


def parse_start(raw: str) -> CallInfo:
    """The `start` message, checked; BadStart says what is wrong."""
    try:
        msg = json.loads(raw)
    except ValueError:
        raise BadStart("the first message must be JSON: {\"event\": \"start\", ...}") from None
    if not isinstance(msg, dict) or msg.get("event") != "start":
        raise BadStart("the first message must be {\"event\": \"start\", ...}")
    call_id = str(msg.get("call_id") or uuid.uuid4())
    number = msg.get("caller_number")
    if not _CALL_ID.match(call_id):
        raise BadStart("call_id: 1-64 letters, digits, '_', '.', '-'")
    if number is not None and not _NUMBER.match(str(number)):
        raise BadStart("caller_number: digits only, optional leading +")
    if msg.get("sample_rate", 16000) not in (8000, 16000):
        raise BadStart("sample_rate must be 8000 or 16000")
    if msg.get("mode", "audio") not in ("audio", "text"):
        raise BadStart("mode must be \"audio\" or \"text\"")
    return CallInfo(call_id, str(number) if number else None, "websocket",
                    msg.get("mode", "audio"), int(msg.get("sample_rate", 16000)))


class WebSocketTransport:
    name = "websocket"

    def __init__(self, ws: WebSocket, sample_rate: int) -> None:
        self._ws = ws
        self._lock = asyncio.Lock()
        self._down = StreamResampler(16000, sample_rate)
        self.closed = False

    async def send_audio(self, audio: np.ndarray) -> None:
        data = self._down.process(float_to_pcm16(audio))
        if data:
            await self._send(bytes=data)

    async def send_event(self, payload: dict) -> None:
        await self._send(text=json.dumps(payload, ensure_ascii=False))

    async def _send(self, **message) -> None:
        if self.closed:
            return
        async with self._lock:
            try:
                await (self._ws.send_bytes(message["bytes"]) if "bytes" in message
                       else self._ws.send_text(message["text"]))
            except (WebSocketDisconnect, RuntimeError):
                self.closed = True

    async def end(self, hangup: Hangup) -> None:
        if hangup.transfer:
            await self.send_event({"event": "transfer", "target": hangup.transfer["target"],
                                   "reason": hangup.transfer["reason"]})
        await self.send_event({"event": "hangup", "reason": hangup.reason})
        self.closed = True
        await self._ws.close()


async def _feed(call, ws: WebSocket, transport: WebSocketTransport, rate: int) -> None:
    up = StreamResampler(rate, 16000)
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("bytes") is not None:
            await call.push(AudioIn(pcm16_to_float(up.process(message["bytes"]))))
        elif message.get("text") is not None:
            if await _control(call, message["text"], transport) == "stop":
                return


async def _control(call, raw: str, transport: WebSocketTransport) -> str | None:
    try:
        msg = json.loads(raw)
        event = msg["event"]
    except (ValueError, KeyError, TypeError):
        await transport.send_event({"event": "error", "message": "control messages are JSON "
                                    "objects with an \"event\""})
        return None
    if event == "text" and isinstance(msg.get("text"), str):
        await call.push(TextIn(msg["text"][:MAX_TEXT]))
    elif event == "dtmf" and str(msg.get("digit", "")) in set("0123456789*#"):
        await call.push(Dtmf(str(msg["digit"])))
    elif event == "mark":
        logger.debug("mark %s played", msg.get("name"))
    elif event == "stop":
        return "stop"
    else:
        await transport.send_event({"event": "error", "message": f"unknown or malformed "
                                    f"event {str(event)[:30]!r}"})
    return None


async def handle(services: Services, ws: WebSocket) -> None:
    await ws.accept()
    if not await admit(services, ws.client.host if ws.client else None,
                       ws.headers.get("x-forwarded-for")):
        await ws.send_text(json.dumps({"event": "error", "message": TOO_MANY_CALLS}))
        await ws.close(code=1008)
        return
    try:
        info = parse_start(await asyncio.wait_for(ws.receive_text(), 10))
    except BadStart as exc:
        await ws.send_text(json.dumps({"event": "error", "message": str(exc)}))
        await ws.close(code=1008)
        return
    except (asyncio.TimeoutError, WebSocketDisconnect, KeyError):
        await ws.close(code=1008)
        return
    transport = WebSocketTransport(ws, info.sample_rate)
    call = open_call(services, info, transport)
    if call is None:
        await transport.send_event({"event": "error", "message": "busy"})
        await ws.close(code=1013)
        return
    await transport.send_event({"event": "started", "call_id": info.call_id})
    await drive(services, call, lambda: _feed(call, ws, transport, info.sample_rate))
