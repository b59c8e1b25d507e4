"""Hostile XML posted to the real webhook: a billion-laughs, XXE or DTD body gets a
400 from the DTD refusal in every mode (as the plaintext body, as the safe-mode
envelope, and sealed inside a correctly encrypted and signed message) and nothing
reaches the assistant. The requests are signed, so the 400 comes from the parser, not
the signature check (403). That the refusal comes before any expansion is measured on
the parser itself (tests/hardening/test_fuzz_wechat.py)."""
from __future__ import annotations

import httpx
import pytest
import xmltodict

from tests.channels.wechat.helpers import user_texts
from tests.channels.wechat.simulator import random_openid, text_xml
from tests.hardening.fuzzing_wechat import DTDS
from tests.stack import wait_for

pytestmark = pytest.mark.slow
HOSTILE = ["billion laughs", "XXE file:///etc/passwd", "plain DTD", "external DTD"]


def hostile_xml(name: str, openid: str) -> str:
    declaration, reference = DTDS[name]
    return declaration + text_xml(openid, "x").replace("<![CDATA[x]]>", reference)


def signed_query(wechat, openid: str) -> dict[str, str]:
    query, _ = wechat.request(text_xml(openid, "x"), "plaintext")
    return query


def sealed(wechat, xml: str, openid: str) -> tuple[dict[str, str], str]:
    """`xml` encrypted and signed as WeChat would in safe mode (the envelope is harmless)."""
    query = signed_query(wechat, openid)
    envelope = xmltodict.parse(wechat.crypto.encrypt_message(xml, query["nonce"],
                                                             query["timestamp"]))["xml"]
    query.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
    return query, (f"<xml><ToUserName><![CDATA[gh_community01]]></ToUserName>"
                   f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>")


def post(wechat, query: dict[str, str], body: str) -> httpx.Response:
    return httpx.post(wechat.url, params=query, content=body.encode("utf-8"), timeout=60,
                      headers={"Content-Type": "text/xml"})


def assert_refused_and_nothing_processed(response, stack, api, openid) -> None:
    assert response.status_code == 400
    assert "forbidden XML construct" in response.text
    assert user_texts(stack.tracker(openid)) == []
    assert api.sent_to(openid) == []


@pytest.mark.parametrize("name", HOSTILE)
def test_plaintext_body_with_a_dtd_is_400(wechat, wechat_api, wechat_stack, name):
    openid = random_openid()
    response = post(wechat, signed_query(wechat, openid), hostile_xml(name, openid))
    assert_refused_and_nothing_processed(response, wechat_stack, wechat_api, openid)


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_mode_envelope_with_a_dtd_is_400(wechat, wechat_api, wechat_stack, name):
    openid = random_openid()
    query, body = sealed(wechat, text_xml(openid, "我要报修"), openid)
    declaration, reference = DTDS[name]
    body = declaration + body.replace("<ToUserName><![CDATA[gh_community01]]>",
                                      f"<ToUserName>{reference}")
    response = post(wechat, query, body)
    assert_refused_and_nothing_processed(response, wechat_stack, wechat_api, openid)


@pytest.mark.parametrize("name", HOSTILE)
def test_encrypted_message_with_a_dtd_inside_is_400(wechat, wechat_api, wechat_stack, name):
    openid = random_openid()
    query, body = sealed(wechat, hostile_xml(name, openid), openid)
    response = post(wechat, query, body)
    assert_refused_and_nothing_processed(response, wechat_stack, wechat_api, openid)


def test_the_same_resident_is_answered_normally_afterwards(wechat, wechat_stack):
    openid = random_openid()
    post(wechat, signed_query(wechat, openid), hostile_xml("XXE file:///etc/passwd", openid))
    query, body = sealed(wechat, text_xml(openid, "你好"), openid)
    response = post(wechat, query, body)
    assert response.status_code == 200
    # past the reply budget the turn finishes after the answer: wait for the tracker
    assert wait_for(lambda: user_texts(wechat_stack.tracker(openid)) == ["你好"])
