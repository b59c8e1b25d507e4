"""With no WeChat settings at all (`make run`'s embedded defaults) the channel loads,
checks signatures with the development token, and refuses what it cannot do."""
import httpx
import pytest

from channels.wechat.inbound import IMAGE_TEXT
from channels.wechat.settings import DEV_WECHAT_TOKEN
from tests.channels.wechat.conftest import AES_KEY, APP_ID
from tests.channels.wechat.simulator import WeChatSimulator, message_xml, next_msg_id, random_openid

pytestmark = pytest.mark.slow


def test_default_settings_load_the_channel_harmlessly(stack):
    url = f"{stack.rasa}/webhooks/wechat/webhook"
    wechat = WeChatSimulator(url, DEV_WECHAT_TOKEN, AES_KEY, APP_ID)
    image = message_xml(random_openid(), "image", {"MediaId": "m"}, next_msg_id())
    assert wechat.send(image).content == IMAGE_TEXT
    # no EncodingAESKey configured: an encrypted message cannot be read
    query, body = wechat.request(message_xml(random_openid(), "image", {"MediaId": "m"},
                                             next_msg_id()), "safe")
    assert httpx.post(url, params=query, content=body.encode()).status_code == 400
    other = WeChatSimulator(url, "some-other-token", AES_KEY, APP_ID)
    assert other.send(image).status == 403
