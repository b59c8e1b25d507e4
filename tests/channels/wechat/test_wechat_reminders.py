"""A reminder through the whole assistant: the scheduler sends it over the WeChat
stand-in once, the resident's "1" confirms the appointment in the back office, "2"
reaches the dialogue with the appointment's context, 退订 stops what is queued."""
from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from tests.channels.wechat.conftest import AES_KEY, APP_ID, NOTIFY_TOKEN, SECRET, TEMPLATE_ID, TOKEN
from tests.channels.wechat.helpers import reply_text, wait_sent
from tests.channels.wechat.simulator import WeChatSimulator, random_openid, text_xml
from tests.proactive.conftest import DAYTIME, wait_until
from tests.proactive.helpers import appointment_tomorrow, harness
from tests.stack import BACKOFFICE_TOKEN, STAFF_TOKEN, start_stack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reminder_stack(tmp_path_factory, wechat_api):
    env = {"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": SECRET,
           "WECHAT_ENCODING_AES_KEY": AES_KEY, "WECHAT_API_BASE": wechat_api.base,
           "WECHAT_TEMPLATE_ID": TEMPLATE_ID, "NOTIFY_TOKEN": NOTIFY_TOKEN,
           # the whole assistant on one morning, so the reminder is never in quiet hours
           "ASSISTANT_CLOCK_START": DAYTIME, "PROACTIVE_POLL_SECONDS": "0.1"}
    running = start_stack(tmp_path_factory.mktemp("reminders"), extra_env=env)
    yield running
    running.supervisor.stop_all()


@pytest.fixture
async def h(reminder_stack):
    running = await harness(reminder_stack, DAYTIME)
    yield running
    await running.close()


def file_case(stack, openid: str) -> str:
    body = {"service": "residence_permit", "channel": "wechat", "conversation_id": openid,
            "idempotency_key": uuid.uuid4().hex,
            "fields": {"person_name": "测试居民", "id_number": "11010519491231002X",
                       "phone": "13900000000", "appointment_time": "2026-12-08T10:00"}}
    answer = httpx.post(f"{stack.backoffice}/api/v1/cases", json=body, timeout=15,
                        headers={"Authorization": f"Bearer {BACKOFFICE_TOKEN}"})
    assert answer.status_code == 201, answer.status_code
    return answer.json()["case_number"]


async def remind(h, stack, openid: str) -> str:
    case_number = file_case(stack, openid)
    reminder = appointment_tomorrow(h, openid, lead_s=1, case_number=case_number)
    assert await h.queue.schedule(reminder)
    assert await wait_until(lambda: h.outcomes(reminder.reminder_id))
    return case_number


async def test_reminder_once_then_reply_1_confirms_the_appointment(reminder_stack, wechat_api, h):
    wechat = WeChatSimulator(f"{reminder_stack.rasa}/webhooks/wechat/webhook", TOKEN, AES_KEY, APP_ID)
    openid = random_openid()
    await h.state.grant("wechat", openid, "appointment")
    await h.window.touch(openid)
    case_number = await remind(h, reminder_stack, openid)
    [message] = wait_sent(wechat_api, openid, 1)
    assert message.kind == "custom" and "回复 1 确认" in message.text and case_number in message.text
    async def queue_empty():
        return await h.queue.waiting() == 0
    assert await wait_until(queue_empty)  # no retry or second copy left to come
    assert len(wechat_api.sent_to(openid)) == 1

    answer = await asyncio.to_thread(wechat.send, text_xml(openid, "1"))
    assert "已为您确认" in reply_text(answer, wechat_api, openid, already=1)
    notes = httpx.get(f"{reminder_stack.backoffice}/api/v1/cases/{case_number}/notes", timeout=10,
                      headers={"Authorization": f"Bearer {STAFF_TOKEN}"}).json()
    assert any("确认按时前往" in n["text"] for n in notes)


def case_of(stack, case_number: str) -> dict:
    answer = httpx.get(f"{stack.backoffice}/api/v1/cases/{case_number}", timeout=10,
                       headers={"Authorization": f"Bearer {BACKOFFICE_TOKEN}"})
    answer.raise_for_status()
    return answer.json()


async def test_reply_2_changes_that_appointment_asking_only_the_new_time(reminder_stack, wechat_api, h):
    """2 lands in the change of the appointment the reminder was about: the case, the
    service, the elder (masked) and the old time are known; only the new time is asked,
    checked like the form checks it, and the same case is amended and reminded again."""
    wechat = WeChatSimulator(f"{reminder_stack.rasa}/webhooks/wechat/webhook", TOKEN, AES_KEY, APP_ID)
    openid = random_openid()
    await h.state.grant("wechat", openid, "appointment")
    await h.window.touch(openid)
    case_number = await remind(h, reminder_stack, openid)
    wait_sent(wechat_api, openid, 1)
    answer = await asyncio.to_thread(wechat.send, text_xml(openid, "2"))
    asked = reply_text(answer, wechat_api, openid, already=1)
    assert case_number in asked and "居住证" in asked and "测***" in asked
    assert "想改到什么时间" in asked and "身份证" not in asked and "电话" not in asked
    tracker = await asyncio.to_thread(reminder_stack.tracker, openid)
    [user] = [e for e in tracker["events"] if e["event"] == "user"]
    assert user["metadata"]["reminder"]["case_number"] == case_number
    assert user["text"].startswith("我想改一下")
    assert tracker["slots"]["last_case_number"] == case_number
    assert not (tracker.get("active_loop") or {}).get("name")  # no new booking started
    notes = httpx.get(f"{reminder_stack.backoffice}/api/v1/cases/{case_number}/notes", timeout=10,
                      headers={"Authorization": f"Bearer {STAFF_TOKEN}"}).json()
    assert any("要求改约" in n["text"] for n in notes)

    # a Sunday is outside office hours: asked again, with the nearest slots
    sent = len(wechat_api.sent_to(openid))
    answer = await asyncio.to_thread(wechat.send, text_xml(openid, "改到这个礼拜天上午十点"))
    again = reply_text(answer, wechat_api, openid, already=sent)
    assert again.startswith("改约：") and "回复序号" in again
    assert case_of(reminder_stack, case_number)["fields"]["appointment_time"] == "2026-12-08T10:00"

    sent = len(wechat_api.sent_to(openid))
    answer = await asyncio.to_thread(wechat.send, text_xml(openid, "下周三上午十点"))
    done = reply_text(answer, wechat_api, openid, already=sent)
    assert f"办件 {case_number} 已改约到12月16日" in done
    assert case_of(reminder_stack, case_number)["fields"]["appointment_time"] == "2026-12-16T10:00"
    assert len(reminder_stack.cases(conversation_id=openid)) == 1  # the same case, no second
    jobs = [j.decode() for j in await h.pool.zrange(h.queue.queue_name, 0, -1)]
    assert [j for j in jobs if f"appt:{case_number}:202612161000" in j]


async def test_unsubscribe_on_wechat_stops_a_queued_reminder(reminder_stack, wechat_api, h):
    wechat = WeChatSimulator(f"{reminder_stack.rasa}/webhooks/wechat/webhook", TOKEN, AES_KEY, APP_ID)
    openid = random_openid()
    await h.state.grant("wechat", openid, "appointment")
    await h.window.touch(openid)
    answer = await asyncio.to_thread(wechat.send, text_xml(openid, "不要再提醒我了"))
    assert "已为您退订" in reply_text(answer, wechat_api, openid)
    assert "optout" in await h.state.consents("wechat", openid)
    reminder = appointment_tomorrow(h, openid, lead_s=0)
    assert await h.queue.schedule(reminder)
    assert await wait_until(lambda: h.outcomes(reminder.reminder_id)) == ["skipped_consent"]
    assert [s for s in wechat_api.sent_to(openid) if "提醒" in s.text] == []


async def test_web_chat_reminder_waits_for_the_next_visit_and_1_confirms(reminder_stack, h):
    """Web chat has no push outside an open page: the reminder waits in the page's
    stream, shown at the next visit; the resident's 1 is answered there."""
    sender = f"web-{uuid.uuid4().hex}"
    stream = f"{reminder_stack.prefix}:webchat:out:{sender}"
    await h.state.grant("webchat", sender, "appointment")
    case_number = file_case(reminder_stack, sender)
    reminder = appointment_tomorrow(h, sender, channel="webchat", lead_s=1, case_number=case_number)
    assert await h.queue.schedule(reminder)
    assert await wait_until(lambda: h.outcomes(reminder.reminder_id)) == ["sent"]
    [(_, notice)] = await h.redis.xrange(stream)
    assert notice["role"] == "notice" and case_number in notice["message"]

    answer = httpx.post(f"{reminder_stack.rasa}/webhooks/webchat/webhook", timeout=10,
                        json={"sender": sender, "message": "1"})
    assert answer.status_code == 202

    async def answered():
        entries = await h.redis.xrange(stream)
        return [f for _, f in entries if f["role"] == "bot"]
    [bot] = await wait_until(answered)
    assert "已为您确认" in bot["message"] and case_number in bot["message"]
