"""Voice activity detection: Silero (the ONNX model faster-whisper ships), streamed.

The model is loaded once per process (`faster_whisper.vad.get_vad_model`)
and shared; each call keeps its own recurrent state. Hysteresis: speech
starts after `start_ms` of frames above the threshold and stops after
`stop_ms` below `threshold - 0.15`, so a breath or a click neither starts
nor ends a turn.

A "pause" event comes `early_ms` into that wait, with the speech so far: the
call starts recognising it then, and when the caller stays silent until the
"end" (`end.resumed` is False) that recognition is the turn's, so the
recogniser's time hides inside the end-of-speech wait.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voice.audio import RATE

CHUNK = 512  # samples per Silero step at 16 kHz (32 ms)
CONTEXT = 64
CHUNK_MS = CHUNK * 1000 // RATE
PRE_ROLL_CHUNKS = 8  # keep ~250 ms before the start so the first syllable is heard


def load_vad_model():
    from faster_whisper.vad import get_vad_model  # loads onnxruntime: only when asked

    return get_vad_model()


@dataclass
class VadEvent:
    kind: str  # "start", "pause" or "end"
    audio: np.ndarray | None = None  # the utterance, with "pause" and "end"
    offset_s: float = 0.0  # position in the call's audio where it happened
    resumed: bool = True  # with "end": speech came back after the last "pause"


class StreamingVad:
    """Feed 16 kHz float32 audio of any length; get start/end events."""

    def __init__(self, model, threshold: float = 0.5, start_ms: int = 96,
                 stop_ms: int = 600, max_utterance_s: float = 20.0,
                 early_ms: int | None = None) -> None:
        self._session = model.session
        self.threshold = threshold
        self._start_chunks = max(1, start_ms // CHUNK_MS)
        self._stop_chunks = max(1, stop_ms // CHUNK_MS)
        self._early_chunks = (max(1, early_ms // CHUNK_MS) if early_ms is not None
                              and early_ms < stop_ms else None)
        self._paused = False
        self._max_chunks = int(max_utterance_s * 1000 / CHUNK_MS)
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._recent: list[np.ndarray] = []
        self._speech: list[np.ndarray] = []
        self._above = 0
        self._below = 0
        self._chunks_seen = 0
        self.in_speech = False
        self.last_probability = 0.0

    def probability(self, chunk: np.ndarray) -> float:
        window = np.concatenate([self._context, chunk])[None, :].astype(np.float32)
        out, self._h, self._c = self._session.run(None, {"input": window, "h": self._h, "c": self._c})
        self._context = chunk[-CONTEXT:]
        return float(np.asarray(out).reshape(-1)[0])

    def feed(self, audio: np.ndarray) -> list[VadEvent]:
        self._pending = np.concatenate([self._pending, audio.astype(np.float32)])
        events = []
        while self._pending.size >= CHUNK:
            chunk, self._pending = self._pending[:CHUNK], self._pending[CHUNK:]
            event = self._step(chunk)
            if event:
                events.append(event)
        return events

    def _step(self, chunk: np.ndarray) -> VadEvent | None:
        p = self.last_probability = self.probability(chunk)
        self._chunks_seen += 1
        offset = self._chunks_seen * CHUNK / RATE
        if not self.in_speech:
            self._recent = (self._recent + [chunk])[-PRE_ROLL_CHUNKS:]
            self._above = self._above + 1 if p >= self.threshold else 0
            if self._above >= self._start_chunks:
                self.in_speech, self._below = True, 0
                self._speech = list(self._recent)
                return VadEvent("start", offset_s=offset)
            return None
        self._speech.append(chunk)
        self._below = self._below + 1 if p < self.threshold - 0.15 else 0
        if self._below == 0:
            self._paused = False
        if self._below >= self._stop_chunks or len(self._speech) >= self._max_chunks:
            return self._end(offset)
        if self._below == self._early_chunks:
            self._paused = True
            return VadEvent("pause", audio=np.concatenate(self._speech), offset_s=offset)
        return None

    def _end(self, offset: float) -> VadEvent:
        audio = np.concatenate(self._speech)
        resumed, self._paused = not self._paused, False
        self.in_speech, self._above, self._speech, self._recent = False, 0, [], []
        return VadEvent("end", audio=audio, offset_s=offset, resumed=resumed)
