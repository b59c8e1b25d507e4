"""The assistant under load: the settings a load run starts it with, WeChat's API
played by the tests' stand-in, and the Target the residents talk to."""
from __future__ import annotations

import base64

from bench.load.residents import Target
from tests.stack import Stack

# One machine plays every resident from 127.0.0.1, far faster than residents type.
LOAD_ENV = {"RATE_LIMIT_PER_SENDER": "600", "RATE_LIMIT_PER_IP": "0"}


def target_for(stack: Stack, wechat: tuple | None = None) -> Target:
    sim, api = wechat or (None, None)
    return Target(stack.rasa, stack.backoffice, sim, api, stack.redis_url, stack.prefix)


# The load stack's own (fictional) WeChat account; its API is the tests' stand-in.
WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_SECRET = "load-wechat-token", "wxload0123456789ab", "load-secret"
WECHAT_AES_KEY = base64.b64encode(b"load-harness-aes-key-32-bytes!!!").decode().rstrip("=")


def wechat_setup() -> tuple[dict[str, str], object]:
    """The WeChat channel's settings and WeChat's API played by the tests' stand-in."""
    from tests.channels.wechat.fake_wechat_api import FakeWeChatApi

    api = FakeWeChatApi(WECHAT_APP_ID, WECHAT_SECRET).start()
    env = {"WECHAT_TOKEN": WECHAT_TOKEN, "WECHAT_APP_ID": WECHAT_APP_ID,
           "WECHAT_APP_SECRET": WECHAT_SECRET, "WECHAT_ENCODING_AES_KEY": WECHAT_AES_KEY,
           "WECHAT_API_BASE": api.base, "WECHAT_TEMPLATE_ID": "tpl-load"}
    return env, api


def wechat_simulator(rasa: str) -> object:
    from tests.channels.wechat.simulator import WeChatSimulator

    return WeChatSimulator(f"{rasa}/webhooks/wechat/webhook", WECHAT_TOKEN, WECHAT_AES_KEY,
                           WECHAT_APP_ID)
