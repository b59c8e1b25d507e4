"""Words, not codes, wherever staff look; closing a stale item; canned replies; the state
and channel notes of a conversation. Against a console process and a real Redis."""
from __future__ import annotations

import asyncio
import re
import uuid

import redis
import redis.asyncio as aioredis

from state.events import EventWriter
from state.handoff import Handoff
from tests.channels.console.helpers import ConsoleUser
from tests.channels.console.test_console_security import queue_handoff, staff_user

CODES = re.compile(r"\b(property_repair|repair_category|water|requested|emergency|fallback|fall|"
                   r"phone=|validation_failed|webchat|rest|voice)\b")


def item(admin: ConsoleUser, cid: str) -> dict:
    return next(i for i in admin.get("/api/queue").json()["items"] if i["conversation_id"] == cid)


def words_shown(entry: dict) -> str:
    """The parts of a queue item the page shows."""
    return " ".join(str(entry[k]) for k in ("badge", "service_zh", "channel_zh", "summary", "reason_zh"))


def test_a_queue_line_is_in_words_with_what_the_resident_said(admin, console_alone, redis_url):
    cid = f"w-{uuid.uuid4().hex[:8]}"
    queue_handoff(redis_url, console_alone.prefix, Handoff(
        cid, "requested", "rest", "property_repair",
        {"repair_category": "water", "phone": "13812345678", "handoff_reason": "requested"},
        "property_repair；phone=138****5678，repair_category=水管/用水；原话：厨房水管漏了，电话13812345678"))
    entry = item(admin, cid)
    assert entry["summary"] == "问题类别：水管/用水，联系电话：138****5678；原话：厨房水管漏了，电话138****5678"
    assert (entry["badge"], entry["service_zh"], entry["channel_zh"]) == ("居民要求", "物业报修", "接口")
    assert not CODES.search(words_shown(entry))


def test_emergencies_say_what_happened_and_empty_summaries_say_so(admin, console_alone, redis_url):
    fall, unknown, empty = (f"{k}-{uuid.uuid4().hex[:8]}" for k in ("fall", "sos", "empty"))
    queue_handoff(redis_url, console_alone.prefix, Handoff(
        fall, "emergency", "wechat", "emergency_help", {"emergency_type": "fall"},
        "emergency_help；；原话：我妈摔倒了起不来", urgent=True))
    queue_handoff(redis_url, console_alone.prefix, Handoff(
        unknown, "emergency", "voice", None, {}, "未在办理业务；；原话：救命", urgent=True))
    queue_handoff(redis_url, console_alone.prefix, Handoff(
        empty, "fallback", "webchat", None, {}, "未在办理业务；；原话："))
    assert item(admin, fall)["badge"] == "紧急 · 有人摔倒"
    assert item(admin, fall)["summary"] == "紧急情况：有人摔倒；原话：我妈摔倒了起不来"
    assert item(admin, unknown)["badge"] == "紧急 · 紧急求助"
    assert item(admin, unknown)["service_zh"] == "紧急求助"
    assert item(admin, empty)["summary"] == "（居民还没有说明具体事项）"
    assert item(admin, empty)["service_zh"] == "未在办理业务" and item(admin, empty)["badge"] == "无法理解"
    for cid in (fall, unknown, empty):
        assert "紧急 · 紧急" != item(admin, cid)["badge"] and not CODES.search(words_shown(item(admin, cid)))


def test_the_conversation_panel_labels_values_in_words(admin, console_alone, redis_url):
    cid = f"p-{uuid.uuid4().hex[:8]}"
    queue_handoff(redis_url, console_alone.prefix, Handoff(
        cid, "validation_failed", "voice", "social_security_certification",
        {"cert_method": "home_visit", "handoff_reason": "validation_failed", "paused_form": "x_form",
         "requested_slot": "id_number", "appointment_time": "2026-12-02T09:00"}, "原话：身份证号"))
    view = admin.get(f"/api/conversations/{cid}").json()
    rows = {r["label"]: r["value"] for r in view["slots"]}
    assert rows == {"认证方式": "工作人员上门认证", "转人工原因": "信息校验失败",
                    "预约时间": "2026年12月2日（周三）09:00"}
    assert (view["state"], view["state_zh"], view["channel_zh"]) == ("waiting", "等待接管", "电话")
    assert "回电" in view["channel_note"]


def test_a_stale_item_is_closed_with_a_reason_without_a_takeover(admin, console_alone, redis_url):
    cid = f"stale-{uuid.uuid4().hex[:8]}"
    queue_handoff(redis_url, console_alone.prefix, Handoff(cid, "requested", "webchat", None, {}, "原话：在吗"))
    assert admin.post(f"/api/conversations/{cid}/close", {"reason": "whatever"}).status_code == 400
    closed = admin.post(f"/api/conversations/{cid}/close", {"reason": "left"})
    assert closed.status_code == 200 and closed.json()["reason_zh"] == "居民已离开"
    assert cid not in [i["conversation_id"] for i in admin.get("/api/queue").json()["items"]]
    assert admin.post(f"/api/conversations/{cid}/close", {"reason": "left"}).status_code == 404
    entries = admin.get("/api/admin/audit").json()["entries"]
    assert any(e["action"] == "close" and e["conversation_id"] == cid and e["detail"] == "left" for e in entries)


def test_an_item_someone_took_over_is_not_closed_by_another(admin, console_alone, redis_url):
    cid = f"held-{uuid.uuid4().hex[:8]}"
    queue_handoff(redis_url, console_alone.prefix, Handoff(cid, "requested", "webchat", None, {}, "原话：你好"))

    async def claim() -> None:
        client = aioredis.from_url(redis_url, decode_responses=True)
        await client.set(f"{console_alone.prefix}:takeover:{cid}", "colleague")
        await client.close()
    asyncio.run(claim())
    refused = admin.post(f"/api/conversations/{cid}/close", {"reason": "left"})
    assert refused.status_code == 409 and "colleague" in refused.json()["error"]
    assert cid in [i["conversation_id"] for i in admin.get("/api/queue").json()["items"]]


def test_canned_replies_are_shared_and_managed_by_staff(admin, console_alone):
    staff = staff_user(admin, console_alone.url)
    seeded = staff.get("/api/canned").json()["items"]
    assert {"问候", "稍等"} <= {r["title"] for r in seeded}
    added = staff.post("/api/canned", {"title": "上门时间", "text": "师傅会在上门前一小时电话联系您。"})
    assert added.status_code == 200
    assert "上门时间" in [r["title"] for r in admin.get("/api/canned").json()["items"]]
    assert staff.post("/api/canned", {"title": "", "text": "x"}).status_code == 400
    assert staff.post("/api/canned", {"title": "长" * 31, "text": "x"}).status_code == 400
    assert staff.post(f"/api/canned/{added.json()['id']}/delete").status_code == 200
    assert "上门时间" not in [r["title"] for r in admin.get("/api/canned").json()["items"]]
    assert staff.post(f"/api/canned/{added.json()['id']}/delete").status_code == 404
    assert "常用回复" in staff.get("/canned").text


def test_a_conversation_after_hand_back_is_with_the_assistant(admin, console_alone, redis_url):
    """Not queued, nobody holds it, events exist: the panel says the assistant has it."""
    cid = f"back-{uuid.uuid4().hex[:8]}"
    writer = EventWriter(redis.Redis.from_url(redis_url), console_alone.prefix, 600)
    for event in ({"event": "user", "text": "转人工", "sender_id": cid, "timestamp": 1.0,
                   "input_channel": "webchat"},
                  {"event": "pause", "sender_id": cid, "timestamp": 2.0},
                  {"event": "resume", "sender_id": cid, "timestamp": 3.0}):
        writer.write(event)
    view = admin.get(f"/api/conversations/{cid}").json()
    assert (view["state"], view["state_zh"]) == ("assistant", "智能助手接待中（不在人工队列）")
    assert view["handoff"] is None and view["channel_note"] is None and view["channel_zh"] == "网页咨询"
    assert [l["text"] for l in view["transcript"] if l["role"] == "system"] == [
        "工作人员已接管，智能助手暂停", "已交回智能助手"]
