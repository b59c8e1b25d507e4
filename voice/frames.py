"""Typed frames that flow through a call's pipeline.

Audio inside the gateway is 16 kHz mono float32 (see voice.audio). Frames
marked urgent (interrupt, hang-up) overtake queued audio on the way out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Frame:
    urgent = False


@dataclass
class AudioIn(Frame):
    """Caller audio, already normalised at the edge."""
    audio: np.ndarray


@dataclass
class Dtmf(Frame):
    digit: str


@dataclass
class TextIn(Frame):
    """A transcript from an upstream recogniser (WebSocket text mode)."""
    text: str


@dataclass
class Utterance(Frame):
    """One caller turn: speech audio to transcribe, or text already known."""
    audio: np.ndarray | None = None
    text: str | None = None
    source: str = "speech"
    ended_at: float = 0.0
    early: Any = None  # an asyncio.Task already recognising `audio` (see voice.vad "pause")


@dataclass
class AudioOut(Frame):
    audio: np.ndarray
    turn: int = 0


@dataclass
class Mark(Frame):
    """Sent to the transport once the audio queued before it has played; `played` is
    set then too (an interrupt drops the audio and the mark, so it is never set)."""
    name: str
    played: Any = None  # an asyncio.Event


@dataclass
class Event(Frame):
    """A control message for the transport (transcript, reply text, ...)."""
    payload: dict = field(default_factory=dict)


@dataclass
class Interrupt(Frame):
    urgent = True
    reason: str = "barge-in"


@dataclass
class Hangup(Frame):
    """End the call; `transfer` names where to, when the call goes to a person."""
    reason: str = "hangup"
    transfer: dict | None = None
    urgent: bool = False
