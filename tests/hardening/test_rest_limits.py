"""Rate limits of the REST channel on the running assistant: per client IP
(forwarded by a trusted proxy; the stack trusts loopback) and per sender,
429 with a JSON reason in Chinese and Retry-After."""
from __future__ import annotations

import random

import httpx
import pytest

from bot.settings import RateLimitSettings

pytestmark = pytest.mark.slow
LIMITS = RateLimitSettings.from_env()  # the stack's processes inherit this environment


def webhook(stack) -> str:
    return f"{stack.rasa}/webhooks/rest/webhook"


def client_ip() -> str:
    return f"203.0.113.{random.randint(1, 254)}"


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["error"] == "rate_limited" and "稍" in body["message"]
    assert int(response.headers["Retry-After"]) == body["retry_after"] >= 1


@pytest.mark.skipif(LIMITS.per_ip <= 0, reason="RATE_LIMIT_PER_IP=0 turns the limit off")
def test_one_address_is_limited_and_a_forged_chain_does_not_help(stack):
    ip = client_ip()
    with httpx.Client(timeout=30) as http:
        statuses = [http.post(webhook(stack), content=b"x", headers={"X-Forwarded-For": ip}).status_code
                    for _ in range(LIMITS.per_ip)]
        assert statuses == [400] * LIMITS.per_ip  # bad requests count too
        assert_rate_limited(http.post(webhook(stack), content=b"x", headers={"X-Forwarded-For": ip}))
        # Entries left of the proxy's are the client's to write: forging them changes nothing.
        forged = http.post(webhook(stack), content=b"x", headers={"X-Forwarded-For": f"198.51.100.7, {ip}"})
        assert_rate_limited(forged)
        other = http.post(webhook(stack), content=b"x", headers={"X-Forwarded-For": client_ip() + "1"})
        assert other.status_code == 400


@pytest.mark.skipif(LIMITS.per_sender <= 0, reason="RATE_LIMIT_PER_SENDER=0 turns the limit off")
def test_one_sender_is_limited_and_refused_messages_never_reach_the_assistant(stack, sender):
    accepted = 0
    with httpx.Client(timeout=60) as http:
        for _ in range(LIMITS.per_sender + 10):
            response = http.post(webhook(stack), json={"sender": sender, "message": "你好"})
            if response.status_code == 429:
                assert_rate_limited(response)
                break
            assert response.status_code == 200
            accepted += 1
        # The sliding-window estimate may let a few more through across a window boundary.
        assert LIMITS.per_sender <= accepted <= LIMITS.per_sender + 3
        other = http.post(webhook(stack), json={"sender": sender + "-2", "message": "你好"})
        assert other.status_code == 200
    user_turns = [e for e in stack.tracker(sender)["events"] if e["event"] == "user"]
    assert len(user_turns) == accepted
