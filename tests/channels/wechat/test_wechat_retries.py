"""The five-second rule and WeChat's retries: one set of replies, one case."""
import asyncio
import time

import httpx
import pytest

from tests.channels.wechat.helpers import reply_text, user_texts, wait_sent
from tests.channels.wechat.simulator import message_xml, next_msg_id, random_openid, text_xml
from tests.stack import wait_for

pytestmark = pytest.mark.slow

REPAIR = "我家3号楼2单元502水管漏水了，电话{phone}，明天上午来修"


def start_repair(wechat, wechat_api, openid: str, phone: str) -> None:
    reply = reply_text(wechat.send(text_xml(openid, REPAIR.format(phone=phone))), wechat_api,
                       openid, already=len(wechat_api.sent_to(openid)))
    assert "请核对" in reply and phone not in reply  # read-back, phone masked


async def deliver_three_times(wechat, xml: str, mode: str):
    async with httpx.AsyncClient(timeout=30) as client:
        return await asyncio.gather(*(wechat.send_async(client, xml, mode) for _ in range(3)))


@pytest.mark.parametrize("mode", ["plaintext", "safe"])
def test_three_concurrent_retries_give_one_set_of_replies_and_one_case(
        wechat, wechat_api, wechat_stack, fresh_phone, mode):
    openid = random_openid()
    start_repair(wechat, wechat_api, openid, fresh_phone)
    pushed_before = len(wechat_api.sent_to(openid))
    confirm = text_xml(openid, "对", next_msg_id())
    answers = asyncio.run(deliver_three_times(wechat, confirm, mode))
    assert all(a.status == 200 for a in answers)
    passive = [a.content for a in answers if a.content]
    assert len(passive) <= 1
    if not passive:
        wait_sent(wechat_api, openid, pushed_before + 1)
    time.sleep(3)  # a second set would have arrived by now
    pushed = [s.text for s in wechat_api.sent_to(openid)[pushed_before:]]
    cases = wechat_stack.cases(conversation_id=openid)
    assert len(cases) == 1
    assert cases[0]["channel"] == "wechat"
    number = cases[0]["case_number"]
    assert sum(text.count(number) for text in passive + pushed) == 1
    assert user_texts(wechat_stack.tracker(openid)).count("对") == 1


def test_a_repeated_event_is_processed_once(wechat, wechat_api, wechat_stack):
    openid = random_openid()
    xml = message_xml(openid, "event", {"Event": "subscribe", "EventKey": ""},
                      create_time=int(time.time()))
    first = wechat.send(xml)
    again = wechat.send(xml)
    reply_text(first, wechat_api, openid)
    assert again.content is None and again.body == "success"
    assert user_texts(wechat_stack.tracker(openid)) == ["/greet"]


def test_slow_back_office_answers_success_in_time_then_a_customer_service_message(
        wechat, wechat_api, wechat_stack, slow_backoffice, fresh_phone):
    openid = random_openid()
    start_repair(wechat, wechat_api, openid, fresh_phone)
    pushed_before = len(wechat_api.sent_to(openid))
    confirm = text_xml(openid, "对", next_msg_id())
    held_before = slow_backoffice.held
    with slow_backoffice.holding():  # the back office answers nothing until the block ends
        answer = wechat.send(confirm, "safe")
        # answered within the reply budget, without waiting for the filing
        assert answer.status == 200 and answer.body == "success"
        # WeChat retries a message it got no reply to: the retry must not file again
        retry = wechat.send(confirm, "safe")
        assert retry.status == 200 and retry.body == "success"
        assert wait_for(lambda: slow_backoffice.held > held_before, timeout_s=60)
    pushed = wait_sent(wechat_api, openid, pushed_before + 1, timeout_s=60)
    cases = wechat_stack.cases(conversation_id=openid)
    assert len(cases) == 1
    assert any(cases[0]["case_number"] in s.text for s in pushed[pushed_before:])
    assert all(s.kind == "custom" for s in pushed)
