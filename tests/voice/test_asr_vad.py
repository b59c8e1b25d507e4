"""Real audio (espeak-ng) through the real Silero VAD and the real tiny.en model."""
import re

import numpy as np
import pytest

from tests.voice.helpers import espeak, onset, speech_end
from voice.asr import build_transcriber, bundled_model_dir
from voice.audio import RATE, float_to_pcm16
from voice.settings import VoiceSettings
from voice.vad import StreamingVad, load_vad_model

SENTENCE = "Hello, I would like to report a broken water pipe in my kitchen."


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


@pytest.fixture(scope="module")
def transcriber():
    return build_transcriber(VoiceSettings.from_env({}))


def test_default_model_is_the_bundled_tiny_en():
    model = bundled_model_dir()
    assert model is not None and (model / "model.bin").exists()


async def test_tiny_en_transcribes_english_speech(transcriber):
    audio = espeak(SENTENCE)
    text = await transcriber.transcribe(float_to_pcm16(audio), RATE)
    assert transcriber.language == "en"
    assert words(text) == words(SENTENCE)


async def test_telephone_rate_audio_is_resampled_inside(transcriber):
    audio = espeak("Please call me back tomorrow morning.", rate=8000)
    text = await transcriber.transcribe(float_to_pcm16(audio), 8000)
    assert {"call", "back", "tomorrow", "morning"} <= set(words(text))


async def test_the_model_is_loaded_once_and_shared(transcriber):
    assert build_transcriber(VoiceSettings.from_env({})) is transcriber


def feed_in_frames(vad, audio, frame=320):
    events = []
    for at in range(0, audio.size, frame):
        events += vad.feed(audio[at:at + frame])
    return events


def test_speech_is_detected_and_endpointed():
    speech = espeak(SENTENCE)
    lead, tail = np.zeros(RATE, np.float32), np.zeros(int(1.5 * RATE), np.float32)
    audio = np.concatenate([lead, speech, tail])
    vad = StreamingVad(load_vad_model(), start_ms=96, stop_ms=600)
    events = feed_in_frames(vad, audio)
    assert [e.kind for e in events] == ["start", "end"]
    true_onset = 1.0 + onset(speech)
    true_end = 1.0 + speech_end(speech)
    assert 0 <= events[0].offset_s - true_onset < 0.2
    assert 0.5 <= events[1].offset_s - true_end < 1.0  # the 600 ms stop hysteresis
    assert events[1].audio.size / RATE > speech.size / RATE - 0.5


def test_noise_and_clicks_do_not_start_a_turn():
    rng = np.random.default_rng(7)
    noise = (rng.standard_normal(3 * RATE) * 0.005).astype(np.float32)
    noise[RATE:RATE + 80] = 0.8  # a 5 ms click
    vad = StreamingVad(load_vad_model())
    assert feed_in_frames(vad, noise) == []
    assert not vad.in_speech
