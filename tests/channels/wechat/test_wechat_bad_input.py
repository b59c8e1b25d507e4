"""Bad requests get a clear status and nothing reaches the assistant."""
import httpx
import pytest

from channels.wechat.channel import RATE_LIMITED_TEXT
from channels.wechat.inbound import IMAGE_TEXT
from tests.channels.wechat.conftest import RATE_LIMIT
from tests.channels.wechat.helpers import user_texts
from tests.channels.wechat.simulator import message_xml, next_msg_id, random_openid, text_xml

pytestmark = pytest.mark.slow


def post(wechat, query, body: bytes) -> httpx.Response:
    return httpx.post(wechat.url, params=query, content=body, timeout=30,
                      headers={"Content-Type": "text/xml"})


def assert_nothing_processed(stack, api, openid):
    assert user_texts(stack.tracker(openid)) == []
    assert api.sent_to(openid) == []


@pytest.mark.parametrize("mode", ["plaintext", "compatible", "safe"])
def test_invalid_signature_is_403_and_nothing_is_processed(wechat, wechat_api, wechat_stack,
                                                           mode):
    openid = random_openid()
    query, body = wechat.request(text_xml(openid, "我要报修"), mode)
    response = post(wechat, {**query, "signature": "f" * 40}, body.encode())
    assert response.status_code == 403
    assert_nothing_processed(wechat_stack, wechat_api, openid)


@pytest.mark.parametrize("mode", ["compatible", "safe"])
def test_invalid_message_signature_is_403(wechat, wechat_api, wechat_stack, mode):
    openid = random_openid()
    query, body = wechat.request(text_xml(openid, "我要报修"), mode)
    response = post(wechat, {**query, "msg_signature": "0" * 40}, body.encode())
    assert response.status_code == 403
    assert_nothing_processed(wechat_stack, wechat_api, openid)


def test_garbage_ciphertext_is_400(wechat):
    query, _ = wechat.request(text_xml(random_openid(), "x"), "safe")
    garbage = "bm90IGVuY3J5cHRlZA=="
    query["msg_signature"] = _msg_signature(wechat.token, query, garbage)  # signed, not sealed
    body = f"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[{garbage}]]></Encrypt></xml>"
    assert post(wechat, query, body.encode()).status_code == 400


def _msg_signature(token, query, encrypt):
    from wechatpy.utils import WeChatSigner
    signer = WeChatSigner()
    signer.add_data(token, query["timestamp"], query["nonce"], encrypt)
    return signer.signature


@pytest.mark.parametrize("body", [b"hello, not xml", b"<xml><Content>no type</Content></xml>",
                                  b"<xml><MsgType>text", "<xml>\u4f60\u597d".encode(),
                                  b"", b'{"json": true}'])
def test_malformed_body_is_400(wechat, body):
    query, _ = wechat.request(text_xml(random_openid(), "x"), "plaintext")
    assert post(wechat, query, body).status_code == 400


def test_message_without_a_valid_sender_is_400(wechat):
    xml = message_xml("../../etc", "text", {"Content": "你好"}, 1)
    query, body = wechat.request(xml, "plaintext")
    assert post(wechat, query, body.encode()).status_code == 400


def test_body_over_one_megabyte_is_413(wechat, wechat_api, wechat_stack):
    openid = random_openid()
    query, _ = wechat.request(text_xml(openid, "x"), "plaintext")
    huge = text_xml(openid, "漏" * 400_000)  # 1.2 MB of UTF-8
    assert post(wechat, query, huge.encode()).status_code == 413
    assert_nothing_processed(wechat_stack, wechat_api, openid)


def test_encrypted_message_without_the_url_signature_is_403(wechat):
    query, body = wechat.request(text_xml(random_openid(), "x"), "safe")
    del query["signature"]
    assert post(wechat, query, body.encode()).status_code == 403


def test_a_flood_from_one_resident_is_slowed_down_but_retries_do_not_count(wechat):
    openid = random_openid()
    first = message_xml(openid, "image", {"MediaId": "m"}, next_msg_id())
    assert wechat.send(first).content == IMAGE_TEXT
    for _ in range(3):
        assert wechat.send(first).body == "success"  # WeChat's retries of the same MsgId
    for _ in range(RATE_LIMIT - 1):
        assert wechat.send(message_xml(openid, "image", {"MediaId": "m"}, next_msg_id())).content \
            == IMAGE_TEXT
    over = wechat.send(message_xml(openid, "image", {"MediaId": "m"}, next_msg_id()))
    assert over.content == RATE_LIMITED_TEXT
    assert wechat.send(text_xml(random_openid(), "x")).status == 200  # others unaffected
