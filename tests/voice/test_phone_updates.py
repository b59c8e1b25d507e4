"""A staff status change on a case filed on the phone is kept for the caller's number
and spoken right after the greeting of their next call, once; against the real back
office, Rasa server (notify webhook and voice channel), gateway and Redis."""
import asyncio
import uuid

import httpx
import pytest
import redis
import websockets

from bot.settings import DEV_NOTIFY_TOKEN
from channels.notify import spoken_status, status_message
from state.phone_updates import caller_key
from tests.stack import BACKOFFICE_TOKEN, STAFF_TOKEN, wait_for
from tests.voice.helpers import WsCaller

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis_client(stack):
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    yield client
    client.close()


def pending_key(stack, number: str) -> str:
    return f"{stack.prefix}:voice:updates:{caller_key(number)}"


async def call(gateway, number: str | None, call_id: str | None = None) -> WsCaller:
    ws = await websockets.connect(gateway.ws, max_size=None)
    caller = WsCaller(ws)
    start = {"call_id": call_id or uuid.uuid4().hex, "mode": "text", "sample_rate": 8000}
    if number:
        start["caller_number"] = number
    await caller.send(event="start", **start)
    await caller.wait_event("started")
    return caller


async def opening(caller: WsCaller) -> dict[str, str]:
    """The gateway's prompts up to the end of the opening (its "greeting" mark), by name."""
    await caller.wait_event("mark", name="greeting")
    return {p["name"]: p["text"] for p in caller.got.of("prompt")}


def opening_audio(caller: WsCaller) -> int:
    """Bytes of audio the caller received before the opening's mark."""
    mark_at = next(t for t, e in caller.got.events if e.get("event") == "mark")
    return sum(len(chunk) for t, chunk in caller.got.audio if t <= mark_at)


async def hang_up(caller: WsCaller) -> None:
    await caller.send(event="stop")
    await caller.ws.close()
    await asyncio.gather(caller._reader, return_exceptions=True)


def file_phone_case(stack, call_id: str) -> str:
    """A repair filed as the assistant files one during a call."""
    body = {"service": "property_repair", "channel": "voice", "conversation_id": f"voice:{call_id}",
            "idempotency_key": uuid.uuid4().hex,
            "fields": {"address": "3号楼2单元502", "repair_category": "water",
                       "description": "厨房水管漏水", "phone": "13912340000"}}
    response = httpx.post(f"{stack.backoffice}/api/v1/cases", json=body, timeout=10,
                          headers={"Authorization": f"Bearer {BACKOFFICE_TOKEN}"})
    assert response.status_code == 201, response.status_code
    return response.json()["case_number"]


def change_status(stack, case_number: str, status: str, note: str | None = None) -> None:
    response = httpx.patch(f"{stack.backoffice}/api/v1/cases/{case_number}",
                           json={"status": status, "note": note}, timeout=10,
                           headers={"Authorization": f"Bearer {STAFF_TOKEN}", "X-Actor": "tester"})
    assert response.status_code == 200, response.status_code


def notify(stack, conversation_id: str, case_number: str, status: str = "done") -> httpx.Response:
    return httpx.post(f"{stack.rasa}/webhooks/notify/status", timeout=10,
                      headers={"Authorization": f"Bearer {DEV_NOTIFY_TOKEN}"},
                      json={"case_number": case_number, "service": "property_repair",
                            "status": status, "note": None, "channel": "voice",
                            "conversation_id": conversation_id})


def test_the_spoken_news_is_the_written_one_without_the_reply_line():
    payload = {"case_number": "SQ20261129-000123", "service": "property_repair",
               "status": "rejected", "note": "该楼栋不在本中心辖区"}
    spoken = spoken_status(payload)
    assert spoken == ("您的办件 SQ20261129-000123（物业报修）有新进展：未通过（工作人员会联系您说明原因）。"
                      "说明：该楼栋不在本中心辖区。")
    assert status_message(payload).startswith(spoken.split("说明")[0])
    assert "回复" not in spoken and "\n" not in spoken


def test_one_line_has_one_caller_key_whichever_way_its_number_is_written():
    assert caller_key("+86 139-1234-0000") == caller_key("008613912340000") \
        == caller_key("13912340000")
    assert caller_key("13912340000") != caller_key("13912340001")
    assert "13912340000" not in caller_key("13912340000")


async def case_filed_on_a_call(stack, gateway, phone: str) -> str:
    """A call from ``phone`` that files a case; its case number."""
    call_id = uuid.uuid4().hex
    filing = await call(gateway, phone, call_id)
    await opening(filing)
    await hang_up(filing)
    return file_phone_case(stack, call_id)


async def test_a_status_change_is_told_at_the_callers_next_call_exactly_once(
        stack, gateway, fresh_phone, redis_client):
    number = await case_filed_on_a_call(stack, gateway, fresh_phone)
    change_status(stack, number, "in_progress", "师傅明天上午上门")

    kept = wait_for(lambda: redis_client.hvals(pending_key(stack, fresh_phone)))
    assert len(kept) == 1
    assert number in kept[0] and "正在办理中" in kept[0] and "师傅明天上午上门" in kept[0]
    assert "回复本消息" not in kept[0]

    other = await call(gateway, f"138{fresh_phone[3:]}")
    assert "updates" not in await opening(other)  # another caller hears nothing of it
    await hang_up(other)

    told = await call(gateway, fresh_phone)
    prompts = await opening(told)
    assert number in prompts["updates"] and "正在办理中" in prompts["updates"]
    assert wait_for(lambda: not redis_client.exists(pending_key(stack, fresh_phone)))
    await hang_up(told)

    again = await call(gateway, fresh_phone)
    assert "updates" not in await opening(again)
    assert opening_audio(told) > opening_audio(again) > 0  # the news was spoken, after the greeting
    await hang_up(again)


async def test_news_cut_short_by_the_caller_is_told_at_the_following_call(
        stack, gateway, fresh_phone, redis_client):
    number = await case_filed_on_a_call(stack, gateway, fresh_phone)
    change_status(stack, number, "accepted")
    assert wait_for(lambda: redis_client.hvals(pending_key(stack, fresh_phone)))

    interrupted = await call(gateway, fresh_phone)
    await interrupted.wait_event("prompt", name="updates")
    await interrupted.send(event="text", text="你好")  # speaks over the opening
    await interrupted.wait_event("reply")
    assert not interrupted.got.of("mark") or all(
        m["name"] != "greeting" for m in interrupted.got.of("mark"))
    await hang_up(interrupted)

    told = await call(gateway, fresh_phone)
    assert number in (await opening(told))["updates"]
    await hang_up(told)


async def test_the_webhook_keeps_a_phone_case_only_for_a_known_caller(
        stack, gateway, fresh_phone, redis_client):
    known_id, withheld_id = uuid.uuid4().hex, uuid.uuid4().hex
    for number, call_id in ((fresh_phone, known_id), (None, withheld_id)):
        caller = await call(gateway, number, call_id)  # None: the number was withheld
        await opening(caller)
        await hang_up(caller)
    withheld = notify(stack, f"voice:{withheld_id}", "SQ20261129-000778")
    known = notify(stack, f"voice:{known_id}", "SQ20261129-000777")
    assert withheld.status_code == known.status_code == 202
    assert known.json() == {"accepted": True}
    kept = wait_for(lambda: redis_client.hvals(pending_key(stack, fresh_phone)))
    assert kept == [spoken_status({"case_number": "SQ20261129-000777",
                                   "service": "property_repair", "status": "done"})]
    assert not redis_client.exists(f"{stack.prefix}:voice:caller:voice:{withheld_id}")

    told = await call(gateway, fresh_phone)
    news = (await opening(told))["updates"]
    assert "SQ20261129-000777" in news and "SQ20261129-000778" not in news
    await hang_up(told)
