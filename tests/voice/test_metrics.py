"""The gateway's /metrics: calls in progress, and the time of each recognition and synthesis."""
import asyncio

import numpy as np
import pytest
import websockets

from tests.metrics import scrape, value
from tests.voice.helpers import AISHELL, WsCaller, stream_pcm
from voice.audio import wav_to_internal

pytestmark = pytest.mark.slow


async def test_a_spoken_call_shows_in_the_gateway_metrics(gateway):
    url = f"{gateway.http}/metrics"
    before = scrape(url)
    ws = await websockets.connect(gateway.ws, max_size=None)
    caller = WsCaller(ws)
    await caller.send(event="start", mode="audio", sample_rate=16000)
    await caller.wait_event("started")
    sent = 0
    while not caller.got.audio:  # the greeting plays once it is synthesised
        await stream_pcm(ws.send, np.zeros(320, np.float32), 16000)
        await asyncio.sleep(0.02)
        sent += 1
        assert sent < 1500, "no greeting audio"
    during = scrape(url)
    assert value(during, "voice_calls_in_progress") == 1
    assert value(during, "voice_tts_seconds_count") > value(before, "voice_tts_seconds_count")

    speech = wav_to_internal(AISHELL[0].read_bytes())  # a recorded Mandarin sentence, 16 kHz
    await stream_pcm(ws.send, np.concatenate([speech, np.zeros(16000, np.float32)]), 16000)
    await caller.wait_event("transcript", timeout_s=120)
    await ws.close()
    after = scrape(url)
    assert value(after, "voice_asr_seconds_count") > value(before, "voice_asr_seconds_count")
    assert value(after, "voice_asr_seconds_bucket", le="+Inf") >= 1
