"""Handoff triggers reach the console queue; takeover, reply, hand back through Rasa's API.

Against the whole assistant (`stack`): real Rasa with the Redis event broker, the
action server writing the handoff queue, the back office, the console process.
"""
from __future__ import annotations

import uuid

import httpx
import pytest
import redis

from state.events import StreamKeys
from tests.channels.console.helpers import ConsoleUser
from tests.stack import CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def staff(stack):
    user = ConsoleUser(stack.console)
    assert user.login(CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD).status_code == 303
    return user


def queued(staff: ConsoleUser, sender: str) -> dict | None:
    items = staff.get("/api/queue").json()["items"]
    return next((i for i in items if i["conversation_id"] == sender), None)


def test_event_broker_writes_every_event_to_the_streams(stack, sender):
    stack.say(sender, "你好")
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    keys = StreamKeys(stack.prefix)
    entries = client.xrange(keys.conversation(sender))
    kinds = [fields["event"] for _, fields in entries]
    assert "user" in kinds and "bot" in kinds and "action" in kinds
    assert any(f["sender_id"] == sender for _, f in client.xrevrange(keys.all, count=200))


def test_request_human_is_queued_with_service_and_masked_slots(stack, staff, sender):
    stack.say(sender, "我家3号楼2单元502水管漏水了，电话13812345678")
    stack.say(sender, "转人工")
    item = queued(staff, sender)
    assert item and item["reason"] == "requested" and item["service"] == "property_repair"
    assert item["channel"] == "rest" and not item["urgent"]
    assert item["slots"]["phone"] == "138****5678"
    assert "13812345678" not in str(item) and "502" not in str(item)
    assert item["summary"]


def test_two_fallbacks_are_queued(stack, staff, sender):
    stack.say(sender, "😀😀")
    stack.say(sender, "？？")
    item = queued(staff, sender)
    assert item and item["reason"] == "fallback" and item["reason_zh"] == "无法理解"


def test_emergency_is_urgent_and_first_in_the_queue(stack, staff, sender):
    stack.say(sender, "我要报修")
    stack.say(sender, "转人工")
    stack.say(f"{sender}-sos", "家里有很重的煤气味")
    items = staff.get("/api/queue").json()["items"]
    ids = [i["conversation_id"] for i in items]
    sos = items[ids.index(f"{sender}-sos")]
    assert sos["urgent"] and sos["reason"] == "emergency"
    assert not items[ids.index(sender)]["urgent"]
    # Urgent conversations come before every other one, whoever queued first.
    assert all(i["urgent"] for i in items[:ids.index(f"{sender}-sos") + 1])
    assert ids.index(f"{sender}-sos") < ids.index(sender)


def test_three_failed_validations_are_queued(stack, staff, sender):
    stack.say(sender, "我要做社保认证")
    for bad in ("身份证号110105194912310021", "身份证号110105194912310022", "身份证号110105194912310023"):
        stack.say(sender, bad)
    item = wait_for(lambda: queued(staff, sender), timeout_s=30)
    assert item and item["reason"] == "validation_failed"


def test_takeover_pause_reply_and_hand_back_over_rest(stack, staff, sender):
    stack.say(sender, "转人工")
    cid = f"/api/conversations/{sender}"
    taken = staff.post(f"{cid}/takeover")
    assert taken.status_code == 200, taken.text
    tracker = stack.tracker(sender)
    assert tracker["paused"] is True
    # Paused: the assistant does not answer, the staff member sees the message live.
    assert stack.say(sender, "我家门锁坏了") == []
    assert staff.post(f"{cid}/reply", {"text": "您好，我是社区的小王，马上帮您登记。"}).status_code == 200
    view = staff.get(cid).json()
    roles = [(l["role"], l["text"]) for l in view["transcript"]]
    assert ("resident", "我家门锁坏了") in roles
    assert ("staff", "您好，我是社区的小王，马上帮您登记。") in roles
    assert view["owner"] == CONSOLE_ADMIN
    assert staff.post(f"{cid}/handback").status_code == 200
    assert stack.tracker(sender)["paused"] is False
    assert queued(staff, sender) is None
    assert stack.say(sender, "你好")  # the assistant answers again


def test_a_conversation_taken_by_someone_else_is_refused(stack, staff, sender):
    stack.say(sender, "转人工")
    name = f"colleague{sender[-6:]}"
    assert staff.add_user(name, "colleague-password").status_code == 303
    colleague = ConsoleUser(stack.console)
    assert colleague.login(name, "colleague-password").status_code == 303
    assert colleague.post(f"/api/conversations/{sender}/takeover").status_code == 200
    refused = staff.post(f"/api/conversations/{sender}/takeover")
    assert refused.status_code == 409 and f"已由工作人员 {name} 接管" in refused.json()["error"]
    not_mine = staff.post(f"/api/conversations/{sender}/reply", {"text": "插话"})
    assert not_mine.status_code == 409 and "没有接管" in not_mine.json()["error"]
    assert staff.post(f"/api/conversations/{sender}/handback").status_code == 409
    assert colleague.post(f"/api/conversations/{sender}/handback").status_code == 200


def test_related_cases_come_from_the_back_office(stack, staff, sender, fresh_phone):
    stack.say(sender, f"我家3号楼2单元502卫生间水管漏水了，电话{fresh_phone}，明天上午来修")
    assert stack.slots(sender)["requested_slot"] == "confirm"
    stack.say(sender, "是的")
    cases = stack.cases(phone=fresh_phone)
    assert len(cases) == 1
    stack.say(sender, "转人工")
    view = staff.get(f"/api/conversations/{sender}").json()
    assert [c["case_number"] for c in view["cases"]] == [cases[0]["case_number"]]
    assert view["cases_error"] is None
    assert fresh_phone not in str(view)
    # The event stream the analytics read saw the same case being filed.
    assert staff.get("/api/analytics").json()["cases_per_service"].get("property_repair", 0) >= 1


def test_a_rest_takeover_says_replies_cannot_reach_the_resident(stack, staff, sender):
    stack.say(sender, "转人工")
    cid = f"/api/conversations/{sender}"
    taken = staff.post(f"{cid}/takeover").json()
    assert "送不到居民" in taken["channel_note"]
    replied = staff.post(f"{cid}/reply", {"text": "您好"}).json()
    assert replied["sent"] is False and replied["recorded"] is True
    view = staff.get(cid).json()
    assert (view["state"], view["state_zh"]) == ("mine", "由您接管") and view["channel_zh"] == "接口"
    assert staff.post(f"{cid}/handback").status_code == 200


def test_after_hand_back_the_panel_says_the_assistant_has_it(stack, staff, sender):
    stack.say(sender, "我要报修，3号楼2单元502水管漏水")
    stack.say(sender, "转人工")
    cid = f"/api/conversations/{sender}"
    assert staff.post(f"{cid}/takeover").status_code == 200
    assert staff.post(f"{cid}/handback").status_code == 200
    view = staff.get(cid).json()
    assert (view["state"], view["state_zh"]) == ("assistant", "智能助手接待中（不在人工队列）")
    assert view["owner"] is None and view["handoff"] is None
    assert view["service_zh"] == "物业报修"
    assert {r["label"] for r in view["slots"]} >= {"地址", "问题类别"}


def test_a_phone_caller_gets_a_callback_in_the_departments_queue(stack, staff):
    call = f"voice:{uuid.uuid4().hex[:12]}"
    caller = "13912347777"
    for text in ("我家水管漏水了", "转人工"):
        said = httpx.post(f"{stack.rasa}/webhooks/voice/webhook", timeout=60,
                          headers={"Authorization": f"Bearer {stack.voice_token}"},
                          json={"sender": call, "message": text,
                                "metadata": {"caller_number": caller, "call_id": call[6:]}})
        assert said.status_code == 200
    item = wait_for(lambda: queued(staff, call), timeout_s=30)
    assert item and item["channel_zh"] == "电话"
    view = staff.get(f"/api/conversations/{call}").json()
    assert "回电" in view["channel_note"]
    queued_callback = staff.post(f"/api/conversations/{call}/callback", {"note": "居民挂断了，请回电"})
    assert queued_callback.status_code == 200, queued_callback.text
    row = queued_callback.json()["callback"]
    assert row["phone"] == "139****7777" and row["why"] == "居民需要人工回电"
    listed = staff.get("/api/callbacks").json()["items"]
    mine = [c for c in listed if c["note"] == "居民挂断了，请回电"]
    assert mine and mine[0]["department_name"] in ("物业公司", "社区服务中心综合窗口")
    assert (caller in str(listed)) is False
