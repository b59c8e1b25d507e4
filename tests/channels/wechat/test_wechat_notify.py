"""Status changes in the back office reach the resident on WeChat; the access token
is cached in Redis and refreshed; a failing WeChat API is retried."""
import json

import httpx
import pytest

from tests.channels.wechat.conftest import APP_ID, NOTIFY_TOKEN, TEMPLATE_ID
from tests.channels.wechat.helpers import reply_text, wait_sent
from tests.channels.wechat.simulator import random_openid, text_xml
from tests.stack import STAFF_TOKEN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def filed(wechat, wechat_api, wechat_stack):
    """A repair filed from WeChat: (openid, case_number)."""
    openid = random_openid()
    reply_text(wechat.send(text_xml(openid, "我家5号楼1单元301灯不亮了，电话13912345670，明天上午来修")),
               wechat_api, openid)
    reply_text(wechat.send(text_xml(openid, "对")), wechat_api, openid,
               already=len(wechat_api.sent_to(openid)))
    [case] = wechat_stack.cases(conversation_id=openid)
    return openid, case["case_number"]


def patch_status(stack, case_number: str, status: str, note: str | None = None) -> None:
    response = httpx.patch(f"{stack.backoffice}/api/v1/cases/{case_number}",
                           json={"status": status, "note": note},
                           headers={"Authorization": f"Bearer {STAFF_TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text


def notify(stack, openid: str, status: str = "accepted", **override) -> httpx.Response:
    payload = {"case_number": "SQTEST1", "service": "property_repair", "status": status,
               "note": None, "channel": "wechat", "conversation_id": openid, **override}
    return httpx.post(f"{stack.rasa}/webhooks/notify/status", json=payload, timeout=10,
                      headers={"Authorization": f"Bearer {NOTIFY_TOKEN}"})


def test_status_change_reaches_the_resident_as_a_customer_service_message(
        filed, wechat_api, wechat_stack):
    openid, number = filed
    before = len(wechat_api.sent_to(openid))
    patch_status(wechat_stack, number, "in_progress", "师傅明天上午上门")
    [message] = wait_sent(wechat_api, openid, before + 1, contains="办理中")
    assert message.kind == "custom"
    assert number in message.text and "物业报修" in message.text and "师傅明天上午上门" in message.text


def test_outside_the_48_hour_window_a_template_message_is_sent(
        filed, wechat_api, wechat_stack, redis_client):
    openid, number = filed
    redis_client.delete(f"{wechat_stack.prefix}:wechat:last_seen:{openid}")
    patch_status(wechat_stack, number, "done")
    [message] = wait_sent(wechat_api, openid, contains="已办结")
    assert message.kind == "template"
    assert message.body["template_id"] == TEMPLATE_ID
    assert number in message.text


def test_access_token_is_cached_in_redis_and_refreshed_on_40001(
        wechat_api, wechat_stack, redis_client):
    openid = random_openid()
    redis_client.set(f"{wechat_stack.prefix}:wechat:last_seen:{openid}", "9999999999")
    assert notify(wechat_stack, openid).status_code == 202
    assert wait_sent(wechat_api, openid, 1)
    key = f"{wechat_stack.prefix}:wechat:session:{APP_ID}_access_token"
    cached = json.loads(redis_client.get(key))
    assert 0 < redis_client.ttl(key) <= 7200 - 300
    fetches = wechat_api.token_fetches
    wechat_api.revoke_tokens()  # WeChat now answers 40001 to the cached token
    assert notify(wechat_stack, openid, "in_progress").status_code == 202
    assert len(wait_sent(wechat_api, openid, 2)) == 2
    assert wechat_api.token_fetches == fetches + 1
    assert json.loads(redis_client.get(key)) != cached


def test_failing_wechat_api_is_retried_with_back_off(wechat_api, wechat_stack, redis_client):
    openid = random_openid()
    redis_client.set(f"{wechat_stack.prefix}:wechat:last_seen:{openid}", "9999999999")
    wechat_api.failures_left = 2
    assert notify(wechat_stack, openid).status_code == 202
    [message] = wait_sent(wechat_api, openid, 1)
    assert wechat_api.failures_left == 0 and "SQTEST1" in message.text


def test_what_wechat_never_takes_is_kept_for_staff(wechat_api, wechat_stack, redis_client):
    openid = random_openid()
    redis_client.set(f"{wechat_stack.prefix}:wechat:last_seen:{openid}", "9999999999")
    wechat_api.failures_left = 100
    try:
        assert notify(wechat_stack, openid, case_number="SQLOST1").status_code == 202
        key = f"{wechat_stack.prefix}:wechat:undelivered"
        from tests.stack import wait_for
        kept = wait_for(lambda: [e for e in map(json.loads, redis_client.lrange(key, 0, -1))
                                 if e["openid"] == openid], timeout_s=20)
    finally:
        wechat_api.failures_left = 0
    assert kept and "SQLOST1" in kept[0]["text"]
    assert wechat_api.sent_to(openid) == []


def test_notify_endpoint_refuses_bad_tokens_and_payloads(wechat_stack):
    url = f"{wechat_stack.rasa}/webhooks/notify/status"
    payload = {"case_number": "SQ1", "status": "done", "channel": "wechat",
               "conversation_id": "o123"}
    assert httpx.post(url, json=payload).status_code == 401
    assert httpx.post(url, json=payload, headers={"Authorization": "Bearer nope"}).status_code == 401
    auth = {"Authorization": f"Bearer {NOTIFY_TOKEN}"}
    assert httpx.post(url, json={**payload, "status": "lost"}, headers=auth).status_code == 400
    assert httpx.post(url, content=b"not json", headers=auth).status_code == 400
    rest = httpx.post(url, json={**payload, "channel": "rest"}, headers=auth)
    assert rest.status_code == 200 and rest.json()["delivered"] is False


def test_messages_rasa_sends_on_its_own_go_out_as_customer_service_messages(
        wechat_api, wechat_stack):
    """Rasa's output channel for `wechat` (used by staff takeover and triggered intents)."""
    openid = random_openid()
    response = httpx.post(f"{wechat_stack.rasa}/conversations/{openid}/trigger_intent",
                          params={"output_channel": "wechat"}, json={"name": "greet"}, timeout=30)
    assert response.status_code == 200, response.text
    [message] = wait_sent(wechat_api, openid, 1)
    assert message.kind == "custom" and "物业报修" in message.text
