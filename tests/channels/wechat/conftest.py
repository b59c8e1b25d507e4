"""A running assistant with the WeChat channel configured, WeChat's API played by a
local stand-in, and the back office behind a proxy that can be made slow."""
from __future__ import annotations

import base64
import io
import os
import subprocess
import tempfile

import av
import pytest
import redis

from tests.channels.wechat.fake_wechat_api import FakeWeChatApi
from tests.channels.wechat.simulator import WeChatSimulator
from tests.channels.wechat.slow_proxy import SlowProxy
from tests.stack import start_stack

TOKEN = "test-wechat-token"
APP_ID = "wx0123456789abcdef"
SECRET = "test-wechat-secret"
AES_KEY = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode().rstrip("=")
TEMPLATE_ID = "tpl-case-status"
NOTIFY_TOKEN = "test-notify-token"
RATE_LIMIT = 8
# Voice messages without WeChat's recognition are transcribed by the model the stack is
# started with; the tests name it, so the word error rate they bound is that model's.
# English speech and the English tiny.en: espeak-ng speaks English far more clearly than
# Mandarin, and tiny.en is small enough to load in a second.
ASR_ENV = {"VOICE_ASR_MODEL": "tiny.en", "VOICE_ASR_LANGUAGE": "en"}
# Heard within a word error rate of 0.08 by tiny.en at every espeak-ng speed from 130 to
# 160 words a minute and every lead-in from 0 to 110 ms tried (AMR-NB, 12.2 kbit/s).
# "Please repair the water pipe..." was heard as "Please refer and I will go by..." on
# one processor and "...no longer pipe..." on another: "the water" does not survive AMR.
SPOKEN_SENTENCE = "Hello, I would like to report a broken water pipe in my kitchen."
MAX_WORD_ERROR_RATE = 0.5


@pytest.fixture(scope="package")
def wechat_api():
    fake = FakeWeChatApi(APP_ID, SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="package")
def slow_backoffice():
    proxy = SlowProxy().start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="package")
def wechat_stack(tmp_path_factory, wechat_api, slow_backoffice):
    env = {"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": SECRET,
           "WECHAT_ENCODING_AES_KEY": AES_KEY, "WECHAT_API_BASE": wechat_api.base,
           "WECHAT_TEMPLATE_ID": TEMPLATE_ID, "WECHAT_API_BACKOFF_SECONDS": "0.2",
           "NOTIFY_TOKEN": NOTIFY_TOKEN, "BACKOFFICE_URL": slow_backoffice.url,
           # the slow back office answers after 6 s; the actions wait for it
           "BACKOFFICE_TIMEOUT_SECONDS": "15",
           # low enough for a test to reach, high enough for every other test's resident
           "RATE_LIMIT_PER_SENDER": str(RATE_LIMIT), **ASR_ENV}
    running = start_stack(tmp_path_factory.mktemp("wechat"), extra_env=env)
    slow_backoffice.target = running.backoffice
    yield running
    running.supervisor.stop_all()


@pytest.fixture(scope="package")
def wechat(wechat_stack) -> WeChatSimulator:
    return WeChatSimulator(f"{wechat_stack.rasa}/webhooks/wechat/webhook", TOKEN, AES_KEY, APP_ID)


@pytest.fixture(scope="package")
def redis_client(wechat_stack):
    client = redis.Redis.from_url(wechat_stack.redis_url, decode_responses=True)
    yield client
    client.close()


def espeak_amr(text: str) -> bytes:
    """Spoken English (espeak-ng) encoded as AMR-NB, as WeChat stores voice messages."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "speech.wav")
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", wav, text], check=True)
        out = io.BytesIO()
        with av.open(wav) as source, av.open(out, mode="w", format="amr") as target:
            stream = target.add_stream("libopencore_amrnb", rate=8000)
            stream.bit_rate = 12200
            stream.layout = "mono"
            resampler = av.AudioResampler(format="s16", layout="mono", rate=8000)
            for frame in source.decode(audio=0):
                for piece in resampler.resample(frame):
                    target.mux(stream.encode(piece))
            for piece in resampler.resample(None):
                target.mux(stream.encode(piece))
            target.mux(stream.encode(None))
        return out.getvalue()


@pytest.fixture(scope="session")
def spoken_amr() -> bytes:
    return espeak_amr(SPOKEN_SENTENCE)
