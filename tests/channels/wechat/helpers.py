"""Waiting for what the channel sends through the stand-in WeChat API."""
from __future__ import annotations

import time

from tests.channels.wechat.fake_wechat_api import FakeWeChatApi, Sent
from tests.channels.wechat.simulator import Answer


def wait_sent(api: FakeWeChatApi, openid: str, count: int = 1, timeout_s: float = 30.0,
              contains: str = "") -> list[Sent]:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        sent = [s for s in api.sent_to(openid) if contains in s.text]
        if len(sent) >= count:
            return sent
        time.sleep(0.2)
    return [s for s in api.sent_to(openid) if contains in s.text]


def reply_text(answer: Answer, api: FakeWeChatApi, openid: str, already: int = 0,
               timeout_s: float = 30.0) -> str:
    """The assistant's answer: the passive reply, or (when the turn took longer than the
    budget, e.g. on a busy machine) the customer-service messages that followed."""
    assert answer.status == 200, answer.body
    if answer.content:
        return answer.content
    sent = wait_sent(api, openid, already + 1, timeout_s)
    return "\n".join(s.text for s in sent[already:])


def user_texts(tracker: dict) -> list[str]:
    return [e.get("text") or "" for e in tracker["events"] if e["event"] == "user"]


def user_channels(tracker: dict) -> set[str]:
    return {e.get("input_channel") for e in tracker["events"] if e["event"] == "user"}
