"""Empty, odd and oversized messages get a clear reply, never a crash."""
import httpx
import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("message", ["", "   ", "😀😀👍", "？？？"])
def test_meaningless_messages_get_a_helpful_reply(stack, sender, message):
    replies = stack.say(sender, message)
    assert replies and any("报修" in r or "您是想办" in r for r in replies)


def test_ten_thousand_characters_are_answered(stack, sender):
    replies = stack.say(sender, "我家水管漏水" * 1700)
    assert replies and replies[0]


@pytest.mark.parametrize("body,status", [
    (b"not json", 400),
    (b"[1, 2]", 400),
    (b'{"message": "hi"}', 400),
    (b'{"sender": "x", "message": 5}', 400),
    (b'{"sender": "x", "message": "' + b"a" * 70000 + b'"}', 413),
])
def test_malformed_webhook_bodies_are_refused_with_json(stack, body, status):
    response = httpx.post(f"{stack.rasa}/webhooks/rest/webhook", content=body,
                          headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == status
    assert "error" in response.json()


def test_request_for_a_human_is_recorded(stack, sender):
    stack.say(sender, "我要报修")
    reply = "\n".join(stack.say(sender, "转人工"))
    assert "工作人员" in reply
    tracker = stack.tracker(sender)
    assert tracker["slots"]["handoff_reason"] == "requested"
    assert not (tracker.get("active_loop") or {}).get("name")
    import json
    import redis
    raw = redis.Redis.from_url(stack.redis_url).get(f"{stack.prefix}:handoff:item:{sender}")
    handoff = json.loads(raw)
    assert handoff["reason"] == "requested" and handoff["service"] == "property_repair"


def test_emergency_gives_safety_instruction_first(stack, sender):
    replies = stack.say(sender, "家里有很重的煤气味")
    assert "燃气" in replies[0] and ("离开" in replies[0] or "开窗" in replies[0] or "门窗" in replies[0])
    assert stack.slots(sender)["handoff_reason"] == "emergency"


@pytest.mark.parametrize("text,fragment", [
    ("你好", "智能助手"), ("你是机器人吗", "不是真人"), ("谢谢你", "不客气"),
    ("今天天气怎么样", "办不了"), ("再见", "再见"),
])
def test_conversation_control(stack, sender, text, fragment):
    assert fragment in "\n".join(stack.say(sender, text))


def test_repeat_says_the_last_turn_again(stack, sender):
    first = stack.say(sender, "我要报修")
    again = stack.say(sender, "没听清，再说一遍")
    assert again == first


def test_a_read_back_answered_with_neither_yes_nor_a_change_is_counted(stack, sender, fresh_phone):
    stack.say(sender, f"我家3号楼2单元502卫生间水管漏水了，电话{fresh_phone}，明天上午来修")
    assert stack.slots(sender)["requested_slot"] == "confirm"
    reply = "\n".join(stack.say(sender, "那个 嗯 怎么说呢"))
    assert "我就提交" in reply  # how to answer, not the same read-back alone
    stack.say(sender, "那个 嗯 怎么说呢")
    reply = "\n".join(stack.say(sender, "那个 嗯 怎么说呢"))
    assert "工作人员" in reply  # the third time a person takes over, nothing is filed
    assert stack.tracker(sender)["slots"]["handoff_reason"] == "validation_failed"
    assert stack.cases(conversation_id=sender) == []


def test_a_cantonese_yes_confirms_the_read_back(stack, sender, fresh_phone):
    stack.say(sender, f"我家3号楼2单元502卫生间水管漏水了，电话{fresh_phone}，明天上午来修")
    stack.say(sender, "冇错，係咁")
    assert [c["service"] for c in stack.cases(conversation_id=sender)] == ["property_repair"]
