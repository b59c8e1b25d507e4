"""The REST channel and the NLU pipeline of the running assistant on hostile
input: arbitrary bytes and JSON never get a 500, errors are JSON, the body
limit holds for streamed bodies, and Rasa's `/intent{...}` syntax cannot be
injected. Bounded here; `python -m bench.fuzz` runs longer."""
from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from tests.hardening.fuzzing import (
    check_parse, check_webhook, content_types, resident_text, webhook_bodies,
)

pytestmark = pytest.mark.slow
SETTINGS = dict(deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def http():
    with httpx.Client(timeout=120) as client:
        yield client


def test_arbitrary_bodies_never_get_a_server_error(stack, http):
    statuses: list[int] = []

    @settings(max_examples=70, **SETTINGS)
    @given(body=webhook_bodies, content_type=content_types)
    def fuzz(body, content_type):
        statuses.append(check_webhook(http, stack.rasa, body, content_type))

    fuzz()
    assert 400 in statuses and 200 in statuses  # both refusals and real turns were reached


def test_any_text_gets_an_intent_from_the_nlu_pipeline(stack, http):
    @settings(max_examples=40, **SETTINGS)
    @given(text=resident_text())
    def fuzz(text):
        check_parse(http, stack.rasa, text)

    fuzz()


@pytest.mark.parametrize("message", ["\ud800", "漏水\udfff了", "\x00\x00", "\u202e\u200b", "🏠" * 600])
def test_odd_text_is_answered(stack, http, sender, message):
    body = json.dumps({"sender": sender, "message": message}).encode()
    response = http.post(f"{stack.rasa}/webhooks/rest/webhook", content=body,
                         headers={"Content-Type": "application/json"})
    assert response.status_code == 200 and response.json()


@pytest.mark.parametrize("sender", ["a\nb", "\ud800", "x" * 129, " "])
def test_unusable_senders_are_refused(stack, http, sender):
    body = json.dumps({"sender": sender, "message": "你好"}).encode()
    response = http.post(f"{stack.rasa}/webhooks/rest/webhook", content=body)
    assert response.status_code == 400 and response.json()["error"] == "bad_request"


@pytest.mark.parametrize("field,value", [("metadata", [1, 2]), ("metadata", {"k": "v" * 5000}),
                                         ("input_channel", {"a": 1}), ("input_channel", "WeChat!")])
def test_bad_optional_fields_are_refused(stack, http, sender, field, value):
    response = http.post(f"{stack.rasa}/webhooks/rest/webhook",
                         json={"sender": sender, "message": "你好", field: value})
    assert response.status_code == 400 and field in response.json()["detail"]


def test_a_streamed_body_past_the_limit_is_refused_without_reading_it_all(stack):
    def chunks():
        yield b'{"sender": "s", "message": "'
        for _ in range(200):  # 2 MB, chunked: no Content-Length to refuse up front
            yield b"a" * 10_000

    # Its own connection: the server answers 413 and closes it without reading the rest,
    # and a pooled connection closed that way would reset the next test's request.
    with httpx.Client(timeout=60) as own:
        response = own.post(f"{stack.rasa}/webhooks/rest/webhook", content=chunks(),
                            headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["error"] == "payload_too_large"


def test_intent_syntax_is_read_as_text_not_injected(stack, http, sender):
    response = http.post(f"{stack.rasa}/webhooks/rest/webhook",
                         json={"sender": sender, "message": '/restart'})
    assert response.status_code == 200
    events = stack.tracker(sender)["events"]
    assert not any(e["event"] == "restart" for e in events)
    user = [e for e in events if e["event"] == "user"]
    assert user and not user[-1]["text"].startswith("/")
