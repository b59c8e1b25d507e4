"""WeChat's side of the webhook: builds, signs and encrypts requests with wechatpy's
own crypto, and reads (decrypts) the passive replies.

Modes: "plaintext" (明文), "compatible" (兼容: plaintext fields and Encrypt),
"safe" (安全: Encrypt only).
"""
from __future__ import annotations

import itertools
import random
import string
import time
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import httpx
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

MODES = ("plaintext", "compatible", "safe")
_msg_ids = itertools.count(int(time.time() * 1000) % 10**12 * 1000)


def next_msg_id() -> int:
    return next(_msg_ids)


def random_openid() -> str:
    return "o" + "".join(random.choices(string.ascii_letters + string.digits + "_-", k=27))


def message_xml(openid: str, msg_type: str, fields: dict[str, Any], msg_id: int | None = None,
                create_time: int | None = None, to: str = "gh_community01") -> str:
    parts = {"ToUserName": to, "FromUserName": openid,
             "CreateTime": create_time or int(time.time()), "MsgType": msg_type, **fields}
    if msg_id is not None:
        parts["MsgId"] = msg_id
    body = "".join(f"<{k}>{v}</{k}>" if isinstance(v, (int, float))
                   else f"<{k}><![CDATA[{v}]]></{k}>" for k, v in parts.items())
    return f"<xml>{body}</xml>"


def text_xml(openid: str, content: str, msg_id: int | None = None) -> str:
    return message_xml(openid, "text", {"Content": content}, msg_id or next_msg_id())


def sign(token: str, timestamp: str, nonce: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return signer.signature


@dataclass
class Answer:
    status: int
    body: str
    content: str | None  # the passive reply's text, decrypted; None for `success`/errors
    reply: dict[str, Any] | None = None


class WeChatSimulator:
    def __init__(self, url: str, token: str, aes_key: str, app_id: str) -> None:
        self.url = url
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, app_id)

    def request(self, xml: str, mode: str) -> tuple[dict[str, str], str]:
        """Query parameters and body WeChat would send for `xml` in `mode`."""
        timestamp, nonce = str(int(time.time())), str(random.randint(10**8, 10**9))
        query = {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp,
                 "nonce": nonce, "openid": xmltodict.parse(xml)["xml"]["FromUserName"]}
        if mode == "plaintext":
            return query, xml
        sealed = xmltodict.parse(self.crypto.encrypt_message(xml, nonce, timestamp))["xml"]
        query.update(encrypt_type="aes", msg_signature=sealed["MsgSignature"])
        encrypt = f"<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt>"
        if mode == "compatible":
            return query, xml.replace("</xml>", encrypt + "</xml>")
        to = escape(xmltodict.parse(xml)["xml"]["ToUserName"])
        return query, f"<xml><ToUserName><![CDATA[{to}]]></ToUserName>{encrypt}</xml>"

    def read(self, response: httpx.Response, mode: str) -> Answer:
        body = response.text
        if response.status_code != 200 or body in ("", "success"):
            return Answer(response.status_code, body, None)
        if mode != "plaintext":
            sealed = xmltodict.parse(body)["xml"]
            body = self.crypto.decrypt_message(body, sealed["MsgSignature"], sealed["TimeStamp"],
                                               sealed["Nonce"])
        reply = xmltodict.parse(body)["xml"]
        return Answer(200, body, reply.get("Content"), reply)

    def send(self, xml: str, mode: str = "plaintext", timeout: float = 30.0) -> Answer:
        query, body = self.request(xml, mode)
        response = httpx.post(self.url, params=query, content=body.encode("utf-8"),
                              headers={"Content-Type": "text/xml"}, timeout=timeout)
        return self.read(response, mode)

    async def send_async(self, client: httpx.AsyncClient, xml: str,
                         mode: str = "plaintext") -> Answer:
        query, body = self.request(xml, mode)
        response = await client.post(self.url, params=query, content=body.encode("utf-8"),
                                     headers={"Content-Type": "text/xml"})
        return self.read(response, mode)
