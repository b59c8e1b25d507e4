"""Analytics and transcripts from the events stream, as the event broker writes it."""
from __future__ import annotations

import time
import uuid

import pytest
import redis

from state.events import EventWriter
from tests.channels.console.conftest import ADMIN, ADMIN_PASSWORD
from tests.channels.console.helpers import ConsoleUser, start_console


def conversation(writer: EventWriter, sender: str, events: list[dict]) -> None:
    now = time.time()
    for i, event in enumerate(events):
        writer.write({"sender_id": sender, "timestamp": now + i * 0.01, **event})


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}},
            "input_channel": "rest"}


@pytest.fixture
def own_console(redis_url, tmp_path):
    """A console on a prefix of its own, so the counts below are exactly these conversations."""
    prefix = f"an{uuid.uuid4().hex[:6]}"
    running = start_console(redis_url, prefix, tmp_path)
    admin = ConsoleUser(running.url)
    assert admin.login(ADMIN, ADMIN_PASSWORD).status_code == 303
    yield prefix, admin
    running.stop()


def test_analytics_counts_conversations_cases_handoffs_and_unhandled(own_console, redis_url):
    prefix, admin = own_console
    writer = EventWriter(redis.Redis.from_url(redis_url, decode_responses=True), prefix, 3600)
    tag = uuid.uuid4().hex[:6]
    conversation(writer, f"a-{tag}", [
        user("我家水管漏了", "property_repair"),
        {"event": "active_loop", "name": "property_repair_form"},
        {"event": "slot", "name": "last_case_number", "value": "R2026A1"},
        {"event": "slot", "name": "case_number", "value": "R2026A1"},  # the same case: once
        {"event": "bot", "text": "已受理"}])
    conversation(writer, f"b-{tag}", [
        user("我要报修", "property_repair"),
        {"event": "active_loop", "name": "property_repair_form"},
        user("转人工", "request_human"),
        {"event": "slot", "name": "handoff_reason", "value": "requested"}])
    conversation(writer, f"c-{tag}", [
        user("<script>alert(1)</script>帮我炒股 13812345678", "out_of_scope"),
        user("<script>alert(1)</script>帮我炒股 13812345678", "out_of_scope")])
    figures = admin.get("/api/analytics").json()
    assert figures["conversations"] == 3
    assert figures["cases_per_service"] == {"property_repair": 1}
    assert figures["conversations_per_service"]["property_repair"] == 2
    assert figures["completion_rate"] == 0.5
    assert abs(figures["handoff_rate_by_reason"]["requested"] - 1 / 3) < 1e-9
    assert figures["unhandled"] == [["<script>alert(1)</script>帮我炒股 138****5678", 2]]
    assert figures["unmet"] == {"out_of_scope": [["<script>alert(1)</script>帮我炒股 138****5678", 2]],
                                "nlu_fallback": []}
    assert figures["handoffs_by_reason"] == {"requested": 1}
    assert sum(figures["conversations_per_hour"].values()) == 3
    page = admin.get("/analytics").text
    assert "<svg" in page and "每日会话数" in page and "50.0%" in page
    assert "会话最多的时段" in page and "超出服务范围的问题" in page and "转人工次数（按原因）" in page
    assert "办件数据暂时无法获取" in page  # this console has no back office: the rest still shows
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "13812345678" not in page


def test_transcript_masks_personal_data_and_escapes_nothing_itself(admin, console_alone, redis_url):
    writer = EventWriter(redis.Redis.from_url(redis_url, decode_responses=True),
                         console_alone.prefix, 3600)
    cid = f"t-{uuid.uuid4().hex[:8]}"
    conversation(writer, cid, [
        user("身份证11010519491231002X，电话13812345678", "inform"),
        {"event": "bot", "text": "好的"},
        {"event": "pause"},
        {"event": "bot", "text": "您好", "metadata": {"staff": "admin"}},
        {"event": "resume"}])
    body = admin.get(f"/api/conversations/{cid}").json()
    lines = [(l["role"], l["text"]) for l in body["transcript"]]
    assert lines == [("resident", "身份证110105********002X，电话138****5678"), ("bot", "好的"),
                     ("system", "工作人员已接管，智能助手暂停"), ("staff", "您好"),
                     ("system", "已交回智能助手")]
    assert body["cases_error"]  # the back office is not running here: said, not hidden
