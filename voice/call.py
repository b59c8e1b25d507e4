"""One phone call: input frames in, the assistant's speech out.

Stages, each an async step over typed frames (voice.frames):
  transport → AudioIn (16 kHz float) → VAD → Utterance → ASR → Rasa → spoken
  variants → TTS → AudioOut → Output (paced; interrupts and hang-ups overtake).
Recognition starts at the VAD's "pause" (early in the end-of-speech wait) and is
kept when the caller stays silent; it is prompted with the words the current
question expects (the conversation's requested_slot after the last turn). Replies
are synthesised a sentence at a time, so the first plays while the rest is made.
DTMF keys and upstream text become Utterances directly. A watchdog task
handles silence (reprompt, then a polite hang-up) and transfers the call when
the conversation was handed to staff from elsewhere (the console).
The opening is the greeting and then any case status changes kept for the
caller's number since their last call (state/phone_updates.py); they count as
heard when the opening's mark ("greeting") is reached, i.e. played to the end.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from prometheus_client import Histogram

from bot.metrics import LATENCY_BUCKETS
from state.phone_updates import Update
from voice import hints, prompts
from voice.frames import AudioIn, AudioOut, Dtmf, Event, Frame, Hangup, Mark, TextIn, Utterance
from voice.output import Output, Transport
from voice.privacy import mask_number
from voice.spoken import speakable, speech_chunks, spoken_reply
from voice.vad import StreamingVad

logger = logging.getLogger(__name__)

TTS_SECONDS = Histogram("voice_tts_seconds", "Seconds to synthesise one sentence a caller hears",
                        buckets=LATENCY_BUCKETS)


@dataclass
class CallInfo:
    call_id: str
    caller_number: str | None
    transport: str
    mode: str = "audio"  # "audio": we recognise speech; "text": an upstream recogniser does
    sample_rate: int = 16000  # of the transport's PCM; the pipeline itself runs at 16 kHz

    @property
    def sender(self) -> str:
        return f"voice:{self.call_id}"

    def metadata(self) -> dict[str, Any]:
        meta = {"call_id": self.call_id, "transport": self.transport}
        if self.caller_number:
            meta["caller_number"] = self.caller_number
        return meta


@dataclass
class DtmfCollector:
    """Keys until '#'; '*' stands for the X of an ID number."""
    digits: list[str] = field(default_factory=list)
    last_key: float = 0.0

    def key(self, digit: str) -> str | None:
        self.last_key = time.monotonic()
        if digit == "#":
            text, self.digits = "".join(self.digits), []
            return text or None
        if digit.isdigit() or digit == "*":
            self.digits.append("X" if digit == "*" else digit)
        return None

    def expired(self, timeout_s: float) -> str | None:
        if self.digits and time.monotonic() - self.last_key > timeout_s:
            return self.key("#")
        return None


class Call:
    def __init__(self, info: CallInfo, transport: Transport, services: Any) -> None:
        self.info, self.transport, self.services = info, transport, services
        s = services.settings
        self.vad = StreamingVad(services.vad_model, s.vad_threshold, s.vad_start_ms, s.vad_stop_ms,
                                s.vad_max_utterance_s, s.vad_early_ms or None
                                ) if info.mode == "audio" else None
        self.expecting: str | None = None  # the slot the assistant asked for last
        self._early: asyncio.Task | None = None
        self.output = Output(transport)
        self.turns: asyncio.Queue[Utterance] = asyncio.Queue()
        self.dtmf = DtmfCollector()
        self.caller_gone = asyncio.Event()
        self.turn_busy = False
        self.ending = False
        self.silences = 0
        self.turn_no = 0
        self.last_activity = time.monotonic()
        self.outcome: dict[str, Any] = {"action": "hangup", "reason": "caller"}
        self._dispatch: dict[type, Callable] = {AudioIn: self._on_audio, Dtmf: self._on_dtmf,
                                                TextIn: self._on_text, Hangup: self._on_hangup}

    # --- input side -------------------------------------------------------
    async def push(self, frame: Frame) -> None:
        await self._dispatch[type(frame)](frame)

    async def _on_audio(self, frame: AudioIn) -> None:
        if self.vad is None:
            return
        for event in self.vad.feed(frame.audio):
            if event.kind == "start":
                self._caller_active()
                self.output.interrupt("barge-in")
            elif event.kind == "pause":
                self._early = asyncio.create_task(self._recognise(event.audio))
            else:
                early, self._early = self._early, None
                if event.resumed and early is not None:
                    early.cancel()  # the caller went on speaking: that guess is stale
                    early = None
                self.turns.put_nowait(Utterance(audio=event.audio, ended_at=time.monotonic(),
                                                early=early))

    async def _on_dtmf(self, frame: Dtmf) -> None:
        self._caller_active()
        self.output.interrupt("dtmf")
        text = self.dtmf.key(frame.digit)
        if text:
            self.turns.put_nowait(Utterance(text=text, source="dtmf", ended_at=time.monotonic()))

    async def _on_text(self, frame: TextIn) -> None:
        if frame.text.strip():
            self._caller_active()
            self.output.interrupt("text")
            self.turns.put_nowait(Utterance(text=frame.text.strip(), source="text",
                                            ended_at=time.monotonic()))

    async def _on_hangup(self, frame: Hangup) -> None:
        self.caller_gone.set()

    def _caller_active(self) -> None:
        self.silences = 0
        self.last_activity = time.monotonic()

    # --- the call as a whole ----------------------------------------------
    async def run(self) -> dict[str, Any]:
        logger.info("call %s from %s via %s (%s)", self.info.call_id,
                    mask_number(self.info.caller_number), self.info.transport, self.info.mode)
        output = asyncio.create_task(self.output.run())
        workers = [asyncio.create_task(self._turn_loop()), asyncio.create_task(self._watchdog())]
        gone = asyncio.create_task(self.caller_gone.wait())
        try:
            await self.prompt("greeting", prompts.GREETING)
            news = await self._tell_updates()
            played = asyncio.Event()
            self.output.put(Mark("greeting", played=played))
            if news:
                workers.append(asyncio.create_task(self._updates_heard(played, news)))
            done, _ = await asyncio.wait({output, gone}, return_when=asyncio.FIRST_COMPLETED)
            if output in done and not gone.done():
                # The outcome first: the dialplan reads it as soon as the line drops.
                await self.services.calls.set_outcome(self.info.call_id, self.outcome)
                await self.transport.end(output.result())
            else:
                await self.services.calls.set_outcome(self.info.call_id, self.outcome)
        finally:
            for task in [output, gone, *workers]:
                task.cancel()
            await asyncio.gather(output, gone, *workers, return_exceptions=True)
        logger.info("call %s ended: %s", self.info.call_id, self.outcome.get("action"))
        return self.outcome

    async def _tell_updates(self) -> list[Update]:
        """Case news kept for this caller since their last call, queued to be spoken
        right after the greeting (part of the opening, before its mark)."""
        store, number = self.services.updates, self.info.caller_number
        if store is None or not number:
            return []
        try:
            await store.remember_call(self.info.sender, number)
            news = await store.pending(number)
        except Exception as exc:  # the call goes on; the news waits for another call
            logger.warning("case news for call %s not read: %s", self.info.call_id,
                           type(exc).__name__)
            return []
        if not news:
            return []
        logger.info("call %s: %d case update(s) to tell", self.info.call_id, len(news))
        words = "".join([prompts.UPDATES_BEFORE, *(u.text for u in news), prompts.UPDATES_AFTER])
        epoch = self.output.epoch
        await self.say([speakable(words)], self.info.sender)  # case numbers: not a shared cache entry
        if self.output.epoch != epoch:
            return []  # the caller spoke while it was being made: told at the next call
        # Announced once all of it is queued, just before the opening's mark.
        await self.transport.send_event({"event": "prompt", "name": "updates", "text": words})
        return news

    async def _updates_heard(self, played: asyncio.Event, news: list[Update]) -> None:
        """Mark the news heard once the opening has played to the end (a caller who
        speaks over it or hangs up first hears it at the next call)."""
        try:
            await played.wait()
        finally:
            if played.is_set():  # also when the call ends just after
                await asyncio.shield(self.services.updates.heard(self.info.caller_number, news))
                logger.info("call %s: case updates told", self.info.call_id)

    async def prompt(self, name: str, text: str) -> None:
        """One of the gateway's own prompts (not the assistant's), announced to the transport."""
        await self.transport.send_event({"event": "prompt", "name": name, "text": text})
        await self.say([text])

    async def say(self, sentences: list[str], conversation: str | None = None) -> None:
        epoch = self.output.epoch
        for sentence in (chunk for text in sentences for chunk in speech_chunks(text)):
            with TTS_SECONDS.time():
                audio = await self.services.synthesizer.synthesize(sentence, conversation)
            if self.output.epoch != epoch:
                return  # the caller spoke meanwhile: the rest of this reply is dropped
            self.output.put(AudioOut(audio, self.turn_no))

    def hang_up(self, reason: str, transfer: dict | None = None) -> None:
        self.ending = True
        self.outcome = transfer or {"action": "hangup", "reason": reason}
        self.output.put(Hangup(reason=reason, transfer=transfer))

    # --- turns --------------------------------------------------------------
    async def _turn_loop(self) -> None:
        while True:
            utterance = await self.turns.get()
            self.turn_busy = True
            try:
                await self._turn(utterance)
            except Exception:
                logger.exception("turn failed on call %s", self.info.call_id)
                await self.prompt("trouble", prompts.TROUBLE)
                await self._transfer("fallback")
            finally:
                self.turn_busy = False
                self.last_activity = time.monotonic()

    async def _turn(self, utterance: Utterance) -> None:
        if self.ending:
            return
        t0 = time.monotonic()
        text = utterance.text or await self._transcribe(utterance)
        t1 = time.monotonic()
        if not text:
            await self.prompt("not_heard", prompts.NOT_HEARD)
            return
        await self.transport.send_event({"event": "transcript", "text": text,
                                         "source": utterance.source})
        messages = await self.services.assistant.send(self.info.sender, text, self.info.metadata())
        t2 = time.monotonic()
        self.turn_no += 1
        await self.transport.send_event({"event": "reply", "turn": self.turn_no,
                                         "text": [m.get("text", "") for m in messages]})
        await self.say(spoken_reply(messages), self.info.sender)
        self.output.put(Mark(f"turn-{self.turn_no}"))
        logger.info("call %s turn %d: asr %.0f ms, assistant %.0f ms, tts %.0f ms",
                    self.info.call_id, self.turn_no, (t1 - t0) * 1000, (t2 - t1) * 1000,
                    (time.monotonic() - t2) * 1000)
        slots = await self.services.assistant.slots(self.info.sender)
        self.expecting = slots.get("requested_slot")
        if slots.get("handoff_reason"):
            await self._transfer(slots["handoff_reason"])

    async def _transcribe(self, utterance: Utterance) -> str:
        if utterance.early is not None:
            try:
                return await utterance.early
            except asyncio.CancelledError:
                if self.ending or self.caller_gone.is_set():
                    raise
        return await self._recognise(utterance.audio)

    async def _recognise(self, audio) -> str:
        """The caller's words, prompted with what the current question expects."""
        hint = (hints.for_slot(self.expecting, self.services.settings.asr_place_names)
                if self.services.transcriber.language == "zh" else None)
        return (await self.services.transcriber.transcribe_float(audio, hint)).strip()

    async def _transfer(self, reason: str) -> None:
        if self.ending:
            return
        target = {"action": "transfer", "target": self.services.settings.transfer_target,
                  "reason": reason, "conversation_id": self.info.sender}
        await self.services.calls.set_outcome(self.info.call_id, target)
        self.hang_up("transfer", transfer=target)

    # --- silence, DTMF time-out and handoffs from elsewhere -----------------
    async def _watchdog(self) -> None:
        settings = self.services.settings
        next_poll = 0.0
        while not self.ending:
            await asyncio.sleep(0.1)
            text = self.dtmf.expired(settings.dtmf_timeout_s)
            if text:
                self.turns.put_nowait(Utterance(text=text, source="dtmf"))
            if self._silent_for() > settings.silence_timeout_s:
                await self._on_silence()
            if time.monotonic() >= next_poll and not self.turn_busy:
                next_poll = time.monotonic() + settings.handoff_poll_s
                await self._poll_handoff()

    def _silent_for(self) -> float:
        if (self.output.busy or self.turn_busy or not self.turns.empty() or self.ending
                or (self.vad is not None and self.vad.in_speech) or self.dtmf.digits):
            return 0.0
        return time.monotonic() - max(self.last_activity, self.output.idle_since)

    async def _on_silence(self) -> None:
        self.silences += 1
        self.last_activity = time.monotonic()
        if self.silences > self.services.settings.silence_reprompts:
            await self.prompt("goodbye", prompts.GOODBYE_SILENCE)
            self.hang_up("silence")
        else:
            await self.prompt("reprompt", prompts.REPROMPT)

    async def _poll_handoff(self) -> None:
        handoffs = self.services.handoffs
        if handoffs is None or self.ending:
            return
        handoff = await handoffs.get(self.info.sender)
        if handoff and not self.turn_busy and not self.ending:
            await self.prompt("transferring", prompts.TRANSFERRING)
            await self._transfer(handoff.reason)
