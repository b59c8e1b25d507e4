"""Voice messages without WeChat's own recognition: AMR → 16 kHz PCM → recogniser.

The recogniser is the voice module's (`voice.asr.build_transcriber`), loaded on
the first voice message and then kept, so a server that never gets one never
loads a model.
"""
from __future__ import annotations

import asyncio
import importlib
import io
import logging
from typing import Any, Callable

import av

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000


def decode_to_pcm16(data: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """Any audio PyAV can read (WeChat sends AMR-NB) as 16-bit mono little-endian PCM."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
    pcm = bytearray()
    with av.open(io.BytesIO(data), mode="r") as container:
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                pcm += out.to_ndarray().tobytes()
    for out in resampler.resample(None):
        pcm += out.to_ndarray().tobytes()
    return bytes(pcm)


def _default_factory() -> Any:
    return importlib.import_module("voice.asr").build_transcriber()


class VoiceTranscriber:
    def __init__(self, factory: Callable[[], Any] = _default_factory) -> None:
        self._factory = factory
        self._transcriber: Any = None
        self._lock = asyncio.Lock()

    async def _get(self) -> Any:
        async with self._lock:
            if self._transcriber is None:
                logger.info("loading the speech recogniser")
                self._transcriber = await asyncio.to_thread(self._factory)
        return self._transcriber

    async def transcribe(self, audio: bytes) -> str:
        pcm = await asyncio.to_thread(decode_to_pcm16, audio)
        transcriber = await self._get()
        return (await transcriber.transcribe(pcm, SAMPLE_RATE)).strip()
