"""A local stand-in for the edge-tts service, speaking its websocket protocol.

Client → service: a text message with `Path:speech.config` (output format),
then one with `Path:ssml` carrying <speak><voice name><prosody rate>text.
Service → client: `Path:turn.start`, binary messages (2-byte big-endian header
length, headers with `Path:audio` and `Content-Type:audio/mpeg`, MP3 bytes),
then `Path:turn.end`. The speech is made by espeak-ng and encoded as MP3
24 kHz mono, the format edge-tts asks for. `GET /requests` lists what was asked.

Run: python -m tests.voice.edge_tts_standin PORT
"""
from __future__ import annotations

import io
import re
import subprocess
import sys
import uuid

import av
import numpy as np
from aiohttp import WSMsgType, web

from voice.audio import resample, wav_to_internal

WS_PATH = "/consumer/speech/synthesize/readaloud/edge/v1"


def mp3_of(text: str) -> bytes:
    wav = subprocess.run(["espeak-ng", "-v", "cmn", "--stdout", text], capture_output=True,
                         check=True).stdout
    audio = resample(wav_to_internal(wav), 16000, 24000)
    samples = (np.clip(audio, -1, 1) * 32767).astype("<i2").reshape(1, -1)
    out = io.BytesIO()
    with av.open(out, "w", format="mp3") as container:
        stream = container.add_stream("mp3", rate=24000)
        stream.bit_rate = 48000
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = 24000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def audio_message(request_id: str, chunk: bytes) -> bytes:
    headers = (f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\n"
               f"X-StreamId:{uuid.uuid4().hex}\r\nPath:audio\r\n").encode()
    return len(headers).to_bytes(2, "big") + headers + chunk


def parse_ssml(body: str) -> dict:
    voice = re.search(r"<voice name='([^']*)'", body)
    rate = re.search(r"rate='([^']*)'", body)
    text = re.sub(r"<[^>]+>", "", body.split("\r\n\r\n", 1)[-1])
    return {"voice": voice.group(1) if voice else None, "rate": rate.group(1) if rate else None,
            "text": text}


async def synthesize(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type != WSMsgType.TEXT or "Path:ssml" not in msg.data:
            continue
        asked = parse_ssml(msg.data)
        request.app["requests"].append(asked)
        request_id = uuid.uuid4().hex
        await ws.send_str(f"X-RequestId:{request_id}\r\nPath:turn.start\r\n\r\n{{}}")
        mp3 = mp3_of(asked["text"])
        for at in range(0, len(mp3), 4096):
            await ws.send_bytes(audio_message(request_id, mp3[at:at + 4096]))
        await ws.send_str(f"X-RequestId:{request_id}\r\nPath:turn.end\r\n\r\n{{}}")
    return ws


async def requests(request: web.Request) -> web.Response:
    return web.json_response(request.app["requests"])


def make_app() -> web.Application:
    app = web.Application()
    app["requests"] = []
    app.router.add_get(WS_PATH, synthesize)
    app.router.add_get("/requests", requests)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=int(sys.argv[1]), print=None)
