"""Everything a call needs, built once per process from settings, and the calls themselves."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

from state.phone_updates import PhoneUpdates
from state.ratelimit import RateLimiter, client_ip
from voice.assistant import Assistant
from voice.call import Call, CallInfo
from voice.callstore import CallStore
from voice.output import Transport
from voice.settings import VoiceSettings

logger = logging.getLogger(__name__)


@dataclass
class Services:
    settings: VoiceSettings
    assistant: Assistant
    synthesizer: Any
    transcriber: Any
    vad_model: Any
    calls: CallStore
    handoffs: Any
    http: httpx.AsyncClient
    redis: Any
    limiter: RateLimiter
    updates: PhoneUpdates | None = None  # case news kept for callers' next calls
    active: dict[str, Call] = field(default_factory=dict)

    async def close(self) -> None:
        await self.http.aclose()
        await self.redis.close()


async def build_services(settings: VoiceSettings) -> Services:
    """Load the models (ASR, VAD) and open Redis and HTTP clients."""
    import redis.asyncio as aioredis

    from state.handoff import HandoffQueue
    from voice.asr import build_transcriber
    from voice.tts import build_synthesizer
    from voice.vad import load_vad_model

    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set; `make run` sets it for every process")
    if not settings.channel_token:
        raise RuntimeError("VOICE_CHANNEL_TOKEN is not set; `make run` makes one for Rasa "
                           "and the gateway (the voice channel refuses requests without it)")
    redis = aioredis.from_url(settings.redis_url, decode_responses=True)
    http = httpx.AsyncClient()
    transcriber = await asyncio.to_thread(build_transcriber, settings)
    vad_model = await asyncio.to_thread(load_vad_model)
    synthesizer = await asyncio.to_thread(build_synthesizer, settings)
    assistant = Assistant(http, settings.rasa_url, settings.channel_token, settings.rasa_token)
    return Services(settings, assistant,
                    synthesizer, transcriber, vad_model,
                    CallStore(redis, settings.redis_key_prefix),
                    HandoffQueue(redis, settings.redis_key_prefix), http, redis,
                    RateLimiter(redis, f"{settings.redis_key_prefix}:ratelimit:voice"),
                    PhoneUpdates(redis, settings.redis_key_prefix))


async def warm_prompts(synthesizer) -> None:
    """Synthesise the gateway's own prompts ahead of the first call (they are cached on
    disk), so a greeting never waits for the voice."""
    from voice import prompts
    from voice.spoken import speech_chunks

    texts = [v for k, v in vars(prompts).items() if k.isupper() and isinstance(v, str)]
    for chunk in (c for text in texts for c in speech_chunks(text)):
        try:
            await synthesizer.synthesize(chunk)
        except Exception:  # a prompt that fails now is tried again when it is needed
            logger.warning("prompt not synthesised ahead of time", exc_info=True)


async def admit(services: Services, peer: str | None, forwarded_for: str | None = None) -> bool:
    """May a new connection from `peer` start a call? At most VOICE_CALL_STARTS_PER_IP per
    window and address, counted in Redis like the webhooks' limits (state/ratelimit.py).
    Checked on connecting, before the caller says anything, so that a flood of
    connections that never start a call is refused too."""
    settings = services.settings
    ip = client_ip(peer or "", forwarded_for, settings.trusted_proxies)
    if ip is None or settings.call_starts_per_ip <= 0:
        return True
    if await services.limiter.hit(f"ip:{ip}", settings.call_starts_per_ip,
                                  settings.call_starts_window_s):
        return True
    logger.warning("call start refused: over %d per %d s from one address",
                   settings.call_starts_per_ip, settings.call_starts_window_s)
    return False


def open_call(services: Services, info: CallInfo, transport: Transport) -> Call | None:
    """A new call, or None when the gateway is at VOICE_MAX_CALLS."""
    if len(services.active) >= services.settings.max_calls or info.call_id in services.active:
        return None
    call = Call(info, transport, services)
    services.active[info.call_id] = call
    return call


async def drive(services: Services, call: Call, read_input) -> dict[str, Any]:
    """Run a call while `read_input()` feeds it; whichever side ends first ends both."""
    runner = asyncio.create_task(call.run())
    reader = asyncio.create_task(read_input())
    try:
        await asyncio.wait({runner, reader}, return_when=asyncio.FIRST_COMPLETED)
        if not runner.done():
            call.caller_gone.set()
        return await runner
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
        services.active.pop(call.info.call_id, None)
