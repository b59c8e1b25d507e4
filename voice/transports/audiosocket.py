"""Asterisk AudioSocket: TCP, 3-byte header (kind, 16-bit big-endian length), payload.

Kinds: 0x00 hang-up, 0x01 UUID (16 bytes, first message), 0x03 DTMF (one ASCII
character), 0x10 audio (signed linear 16-bit, 8 kHz, mono), 0xff error.
The dialplan registers the caller's number first and reads the outcome after
(README, "Voice gateway"); to transfer, the gateway records the outcome and
sends a hang-up, and the dialplan continues to the staff queue. A connection
while VOICE_MAX_CALLS calls are running, or from an address past
VOICE_CALL_STARTS_PER_IP (the PBX on loopback or in RATE_LIMIT_TRUSTED_PROXIES is
not counted), gets a hang-up at once.
"""
from __future__ import annotations

import asyncio
import logging
import uuid

import numpy as np

from voice.audio import StreamResampler, float_to_pcm16, pcm16_to_float
from voice.call import CallInfo
from voice.frames import AudioIn, Dtmf, Hangup
from voice.gateway import Services, admit, drive, open_call

logger = logging.getLogger(__name__)
HANGUP, UUID, DTMF, AUDIO, ERROR = 0x00, 0x01, 0x03, 0x10, 0xFF
RATE = 8000
FRAME_BYTES = 320  # 20 ms of 8 kHz slin, what Asterisk expects per audio message


def pack(kind: int, payload: bytes = b"") -> bytes:
    return bytes([kind]) + len(payload).to_bytes(2, "big") + payload


async def read_message(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    header = await reader.readexactly(3)
    length = int.from_bytes(header[1:3], "big")
    return header[0], await reader.readexactly(length) if length else b""


class AudioSocketTransport:
    name = "audiosocket"

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self._down = StreamResampler(16000, RATE)
        self._pending = b""

    async def send_audio(self, audio: np.ndarray) -> None:
        self._pending += self._down.process(float_to_pcm16(audio))
        while len(self._pending) >= FRAME_BYTES and not self._writer.is_closing():
            frame, self._pending = self._pending[:FRAME_BYTES], self._pending[FRAME_BYTES:]
            self._writer.write(pack(AUDIO, frame))
        await self._writer.drain()

    async def send_event(self, payload: dict) -> None:
        """AudioSocket carries audio only; control happens through hang-up + outcome."""

    async def end(self, hangup: Hangup) -> None:
        if not self._writer.is_closing():
            self._writer.write(pack(HANGUP))
            await self._writer.drain()


async def _feed(call, reader: asyncio.StreamReader) -> None:
    up = StreamResampler(RATE, 16000)
    while True:
        kind, payload = await read_message(reader)
        if kind == AUDIO:
            await call.push(AudioIn(pcm16_to_float(up.process(payload))))
        elif kind == DTMF and payload:
            await call.push(Dtmf(payload[:1].decode("ascii", errors="replace")))
        elif kind in (HANGUP, ERROR):
            if kind == ERROR:
                logger.warning("AudioSocket error from the PBX: %s", payload.hex())
            return


async def handle_connection(services: Services, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
    try:
        peer = writer.get_extra_info("peername")
        if not await admit(services, peer[0] if peer else None):
            writer.write(pack(HANGUP))
            return
        kind, payload = await asyncio.wait_for(read_message(reader), 10)
        if kind != UUID or len(payload) != 16:
            logger.warning("AudioSocket connection without a UUID first; closing")
            writer.write(pack(ERROR, b"\x00"))
            return
        call_id = str(uuid.UUID(bytes=payload))
        meta = await services.calls.metadata(call_id)
        transport = AudioSocketTransport(writer)
        call = open_call(services, CallInfo(call_id, meta.get("caller_number"), "audiosocket"),
                         transport)
        if call is None:
            writer.write(pack(HANGUP))
            return
        await drive(services, call, lambda: _feed(call, reader))
    except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(services: Services) -> asyncio.AbstractServer:
    settings = services.settings
    return await asyncio.start_server(lambda r, w: handle_connection(services, r, w),
                                      settings.host, settings.audiosocket_port)
