"""Rasa's voice channel (/webhooks/voice/webhook) on the running assistant: only the
gateway's shared secret gets in (401 otherwise, and nothing reaches the
conversation, the caller_number least of all), then the REST channel's limits:
per call (sender) 429, body size 413."""
from __future__ import annotations

import uuid

import httpx
import pytest

from bot.settings import RateLimitSettings
from voice.rasa_channel import bearer_token, token_matches

pytestmark = pytest.mark.slow
LIMITS = RateLimitSettings.from_env()  # the stack's processes inherit this environment


def webhook(stack) -> str:
    return f"{stack.rasa}/webhooks/voice/webhook"


def turn(sender: str, text: str = "你好", number: str = "13900000000") -> dict:
    return {"sender": sender, "message": text,
            "metadata": {"caller_number": number, "call_id": sender[6:], "transport": "websocket"}}


def new_call() -> str:
    return f"voice:{uuid.uuid4().hex}"


def gateway_headers(stack) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.voice_token}"}


def user_events(stack, sender: str) -> list[dict]:
    return [e for e in stack.tracker(sender)["events"] if e["event"] == "user"]


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Bearer"},
    {"Authorization": "Basic dm9pY2U6dm9pY2U="}, {"X-Voice-Token": "anything"},
], ids=["missing", "wrong", "empty", "basic", "other-header"])
def test_without_the_gateway_token_is_401_and_nothing_is_said(stack, headers):
    sender = new_call()
    response = httpx.post(webhook(stack), json=turn(sender), headers=headers, timeout=30)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert user_events(stack, sender) == []


def test_a_token_that_only_starts_right_is_401(stack):
    sender = new_call()
    headers = {"Authorization": f"Bearer {stack.voice_token[:-1]}"}
    assert httpx.post(webhook(stack), json=turn(sender), headers=headers, timeout=30).status_code == 401
    headers = {"Authorization": f"Bearer {stack.voice_token}x"}
    assert httpx.post(webhook(stack), json=turn(sender), headers=headers, timeout=30).status_code == 401
    assert user_events(stack, sender) == []


def test_the_gateway_token_is_answered_with_the_callers_number(stack, fresh_phone):
    sender = new_call()
    response = httpx.post(webhook(stack), json=turn(sender, "我要报修", fresh_phone),
                          headers=gateway_headers(stack), timeout=60)
    assert response.status_code == 200
    assert [m for m in response.json() if m.get("text")]
    [said] = user_events(stack, sender)
    assert said["input_channel"] == "voice"
    assert said["metadata"]["caller_number"] == fresh_phone


def test_the_scheme_is_case_insensitive(stack):
    headers = {"Authorization": f"bearer {stack.voice_token}"}
    response = httpx.post(webhook(stack), json=turn(new_call()), headers=headers, timeout=60)
    assert response.status_code == 200


def test_a_body_over_the_limit_is_413_and_without_the_token_401_first(stack):
    huge = turn(new_call(), "漏" * 40_000)  # 120 KB of UTF-8, over MAX_BODY_BYTES (64 KB)
    response = httpx.post(webhook(stack), json=huge, headers=gateway_headers(stack), timeout=30)
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"
    assert httpx.post(webhook(stack), json=huge, timeout=30).status_code == 401


def test_a_bad_payload_is_400(stack):
    response = httpx.post(webhook(stack), content=b"not json", headers=gateway_headers(stack),
                          timeout=30)
    assert response.status_code == 400 and response.json()["error"] == "bad_request"


@pytest.mark.skipif(LIMITS.per_sender <= 0, reason="RATE_LIMIT_PER_SENDER=0 turns the limit off")
def test_a_flood_on_one_call_is_429_and_other_calls_go_on(stack):
    sender, accepted = new_call(), 0
    with httpx.Client(timeout=60, headers=gateway_headers(stack)) as http:
        for _ in range(LIMITS.per_sender + 10):
            response = http.post(webhook(stack), json=turn(sender))
            if response.status_code == 429:
                assert response.json()["error"] == "rate_limited"
                assert int(response.headers["Retry-After"]) >= 1
                break
            assert response.status_code == 200
            accepted += 1
        # the sliding-window estimate may let a few more through across a window boundary
        assert LIMITS.per_sender <= accepted <= LIMITS.per_sender + 3
        assert http.post(webhook(stack), json=turn(new_call())).status_code == 200
    assert len(user_events(stack, sender)) == accepted


@pytest.mark.skipif(LIMITS.per_ip <= 0, reason="RATE_LIMIT_PER_IP=0 turns the limit off")
def test_one_forwarded_address_is_limited_even_with_the_token(stack):
    ip = f"198.51.100.{uuid.uuid4().int % 250 + 1}"
    headers = {**gateway_headers(stack), "X-Forwarded-For": ip}
    with httpx.Client(timeout=30, headers=headers) as http:
        # bad bodies are counted per address too, and cost no turn
        statuses = [http.post(webhook(stack), content=b"x").status_code for _ in range(LIMITS.per_ip)]
        assert statuses == [400] * LIMITS.per_ip
        assert http.post(webhook(stack), content=b"x").status_code == 429


def test_the_token_check_itself():
    assert bearer_token("Bearer abc") == "abc" and bearer_token("BEARER  abc ") == "abc"
    assert bearer_token(None) is None and bearer_token("Bearer") is None
    assert bearer_token("Basic abc") is None
    assert token_matches("abc", "abc") and not token_matches("abd", "abc")
    assert not token_matches("", "") and not token_matches("abc", None)
    assert not token_matches("\udc80", "abc")  # undecodable header bytes: refused, no error
