"""Speech output against a local stand-in speaking edge-tts's protocol, and the fallback."""
import time
from dataclasses import replace

import httpx
import pytest

from bot.embedded_redis import free_port
from tests.voice.helpers import STANDIN_PATH, start_standin
from voice.audio import RATE, rms
from voice.settings import VoiceSettings
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


async def test_unreachable_edge_falls_back_to_espeak_fast(tmp_path):
    closed = f"ws://127.0.0.1:{free_port()}" + STANDIN_PATH
    tts = build_synthesizer(settings_for(closed, tmp_path))
    started = time.monotonic()
    audio = await tts.synthesize("您的报修已经登记。")
    assert tts.last_engine == "espeak"
    assert audio.size > RATE // 2 and rms(audio) > 0.01
    assert time.monotonic() - started < 2.5
    started = time.monotonic()
    await tts.synthesize("请稍候。")  # edge is skipped for a while: no second wait
    assert tts.last_engine == "espeak" and time.monotonic() - started < 1.0
