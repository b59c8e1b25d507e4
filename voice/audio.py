"""Audio at the edge: every transport's PCM becomes 16 kHz float32 here.

Inside the gateway, audio is always 16 kHz mono float32 in [-1, 1]; the
transports convert on the way in and out (8 kHz slin for AudioSocket, 8 or
16 kHz PCM for the WebSocket stream).
"""
from __future__ import annotations

import io
import wave
from math import gcd

import numpy as np
from scipy.signal import resample_poly

RATE = 16000


def pcm16_to_float(pcm16: bytes) -> np.ndarray:
    """16-bit little-endian mono PCM to float32 in [-1, 1]."""
    usable = len(pcm16) - len(pcm16) % 2
    return np.frombuffer(pcm16[:usable], dtype="<i2").astype(np.float32) / 32768.0


def float_to_pcm16(audio: np.ndarray) -> bytes:
    clipped = np.clip(audio, -1.0, 1.0)
    return (clipped * 32767.0).astype("<i2").tobytes()


def resample(audio: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    if rate_in == rate_out or audio.size == 0:
        return audio.astype(np.float32, copy=False)
    g = gcd(rate_in, rate_out)
    return resample_poly(audio, rate_out // g, rate_in // g).astype(np.float32)


def wav_to_internal(data: bytes) -> np.ndarray:
    """A 16-bit PCM WAV file (mono or stereo, any rate) to 16 kHz float32."""
    with wave.open(io.BytesIO(data)) as wav:
        if wav.getsampwidth() != 2:
            raise ValueError("only 16-bit PCM WAV is supported")
        frames = wav.readframes(wav.getnframes())
        channels, rate = wav.getnchannels(), wav.getframerate()
    audio = pcm16_to_float(frames)
    if channels > 1:
        audio = audio.reshape(-1, channels).mean(axis=1)
    return resample(audio, rate, RATE)


def internal_to_wav(audio: np.ndarray) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(float_to_pcm16(audio))
    return buf.getvalue()


def rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio)))) if audio.size else 0.0


class StreamResampler:
    """Stateful resampling of a PCM16 stream in small frames (libswresample via PyAV).

    Resampling each 20 ms frame on its own would click at every frame edge;
    this keeps the filter state across frames.
    """

    def __init__(self, rate_in: int, rate_out: int) -> None:
        import av

        self._rate_in, self._rate_out = rate_in, rate_out
        self._av = av
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=rate_out)
        self._pts = 0

    def process(self, pcm16: bytes) -> bytes:
        if self._rate_in == self._rate_out:
            return pcm16
        samples = np.frombuffer(pcm16[:len(pcm16) - len(pcm16) % 2], dtype="<i2").reshape(1, -1)
        if samples.size == 0:
            return b""
        frame = self._av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate, frame.pts = self._rate_in, self._pts
        self._pts += samples.shape[1]
        return b"".join(out.to_ndarray().astype("<i2").tobytes()
                        for out in self._resampler.resample(frame))
