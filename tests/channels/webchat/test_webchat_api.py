"""The web chat channel inside the real Rasa server: page, webhook checks, pushed replies."""
from __future__ import annotations

import os
import secrets

import httpx
import pytest

from bot.settings import DEV_NOTIFY_TOKEN
from tests.channels.webchat.sse import collect

pytestmark = pytest.mark.slow


@pytest.fixture
def web_sender():
    return "web-" + secrets.token_hex(16)


def webchat(stack) -> str:
    return f"{stack.rasa}/webhooks/webchat"


def test_page_is_chinese_mobile_ready_and_locked_down(stack):
    page = httpx.get(f"{webchat(stack)}/", timeout=10)
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text and 'name="viewport"' in page.text
    assert "大字模式" in page.text and "高对比度" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    script = httpx.get(f"{webchat(stack)}/static/webchat.js", timeout=10)
    assert script.status_code == 200 and "textContent" in script.text and "innerHTML" not in script.text
    assert httpx.get(f"{webchat(stack)}/static/../../credentials.yml", timeout=10).status_code == 404


@pytest.mark.parametrize("body,status", [
    (b"{not json", 400),
    (b'{"sender": "u1", "message": "hi"}', 400),  # not a web chat sender id
    (b'{"sender": "web-' + b"0" * 32 + b'", "message": "   "}', 400),
    (b'{"sender": "web-' + b"0" * 32 + b'", "message": 5}', 400),
])
def test_bad_bodies_get_a_json_error(stack, body, status):
    response = httpx.post(f"{webchat(stack)}/webhook", content=body, timeout=10,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == status and "error" in response.json()


def test_message_is_answered_through_the_stream(stack, web_sender):
    response = httpx.post(f"{webchat(stack)}/webhook", timeout=10,
                          json={"sender": web_sender, "message": "你好"})
    assert response.status_code == 202
    events = collect(f"{webchat(stack)}/stream/{web_sender}",
                     lambda ev: any(e["role"] == "bot" for e in ev))
    assert events[0]["role"] == "resident" and events[0]["text"] == "你好"
    assert any(e["role"] == "bot" and "智能助手" in e["text"] for e in events)
    tracker = stack.tracker(web_sender)
    assert tracker["latest_input_channel"] == "webchat"


def test_a_reconnecting_page_gets_only_what_it_missed(stack, web_sender):
    httpx.post(f"{webchat(stack)}/webhook", json={"sender": web_sender, "message": "你好"}, timeout=10)
    first = collect(f"{webchat(stack)}/stream/{web_sender}", lambda ev: len(ev) >= 2)
    httpx.post(f"{webchat(stack)}/webhook", json={"sender": web_sender, "message": "谢谢"}, timeout=10)
    rest = collect(f"{webchat(stack)}/stream/{web_sender}", lambda ev: any(e["role"] == "bot" for e in ev),
                   headers={"Last-Event-ID": first[-1]["id"]})
    assert rest[0]["text"] == "谢谢" and all(e["id"] > first[-1]["id"] for e in rest)


def test_case_status_notifications_reach_the_web_chat(stack, web_sender):
    token = os.environ.get("NOTIFY_TOKEN") or DEV_NOTIFY_TOKEN
    response = httpx.post(f"{stack.rasa}/webhooks/notify/status", timeout=10,
                          headers={"Authorization": f"Bearer {token}"},
                          json={"case_number": "R20261129X1", "service": "property_repair",
                                "status": "in_progress", "channel": "webchat",
                                "conversation_id": web_sender})
    assert response.status_code == 202, response.text
    events = collect(f"{webchat(stack)}/stream/{web_sender}", lambda ev: len(ev) >= 1)
    assert events[0]["role"] == "notice" and "R20261129X1" in events[0]["text"]
