"""The outgoing side of a call: paced playback where urgent frames overtake audio.

Audio leaves in 20 ms slices at real-time pace (a little ahead, `lead_s`),
so an interrupt stops playback within one slice: queued audio is dropped
and the slice loop notices the new epoch.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Protocol

import numpy as np

from voice.audio import RATE
from voice.frames import AudioOut, Event, Frame, Hangup, Interrupt, Mark

logger = logging.getLogger(__name__)
SLICE = RATE // 50  # 20 ms


class Transport(Protocol):
    """What a call needs from a transport (AudioSocket, WebSocket)."""
    name: str

    async def send_audio(self, audio: np.ndarray) -> None: ...

    async def send_event(self, payload: dict) -> None: ...

    async def end(self, hangup: Hangup) -> None: ...


class Output:
    def __init__(self, transport: Transport, lead_s: float = 0.06) -> None:
        self._transport = transport
        self._queue: deque[Frame] = deque()
        self._wake = asyncio.Event()
        self._lead = lead_s
        self.epoch = 0
        self.playing = False
        self.idle_since = time.monotonic()
        self.frames_sent = 0

    @property
    def busy(self) -> bool:
        return self.playing or any(isinstance(f, AudioOut) for f in self._queue)

    def put(self, frame: Frame) -> None:
        if isinstance(frame, Interrupt):
            self.interrupt(frame.reason)
            return
        if frame.urgent:
            self._drop_audio()
            self._queue.appendleft(frame)
        else:
            self._queue.append(frame)
        self._wake.set()

    def interrupt(self, reason: str = "barge-in") -> bool:
        """Stop playback now; True when something was playing or queued."""
        was_busy = self.busy
        self._drop_audio()
        if was_busy:
            self._queue.appendleft(Event({"event": "clear", "reason": reason}))
            self._wake.set()
        return was_busy

    def _drop_audio(self) -> None:
        self.epoch += 1
        kept = [f for f in self._queue if not isinstance(f, (AudioOut, Mark))]
        self._queue.clear()
        self._queue.extend(kept)

    async def run(self) -> Hangup:
        """Play until a Hangup frame comes through; returns it."""
        while True:
            if not self._queue:
                self._wake.clear()
                await self._wake.wait()
                continue
            frame = self._queue.popleft()
            if isinstance(frame, AudioOut):
                await self._play(frame.audio, self.epoch)
            elif isinstance(frame, Mark):
                await self._transport.send_event({"event": "mark", "name": frame.name})
                if frame.played is not None:
                    frame.played.set()
            elif isinstance(frame, Event):
                await self._transport.send_event(frame.payload)
            elif isinstance(frame, Hangup):
                return frame

    async def _play(self, audio: np.ndarray, epoch: int) -> None:
        self.playing = True
        start = time.monotonic()
        try:
            for n, at in enumerate(range(0, audio.size, SLICE)):
                due = start + n * SLICE / RATE - self._lead
                delay = due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                if epoch != self.epoch:
                    return
                await self._transport.send_audio(audio[at:at + SLICE])
                self.frames_sent += 1
            # Let the last slices play out before calling the line idle.
            await asyncio.sleep(max(0.0, start + audio.size / RATE - time.monotonic()))
        finally:
            self.playing = False
            self.idle_since = time.monotonic()
