"""社保待遇资格认证 end to end, including conditional slots and ID checks."""
import pytest

from nlu.rules.id_number import checksum_char

pytestmark = pytest.mark.slow


def make_id(birth: str = "19500312", seq: str = "123") -> str:
    first17 = "110105" + birth + seq
    return first17 + checksum_char(first17)


def joined(replies):
    return "\n".join(replies)


def test_window_method_asks_time_but_not_address(stack, sender, fresh_phone):
    stack.say(sender, "我要做社保认证")
    assert stack.slots(sender)["requested_slot"] == "person_name"
    stack.say(sender, "我叫张秀英")
    assert stack.slots(sender)["person_name"] == "张秀英"
    stack.say(sender, make_id())
    stack.say(sender, fresh_phone)
    reply = joined(stack.say(sender, "去窗口办"))
    assert stack.slots(sender)["cert_method"] == "window"
    assert stack.slots(sender)["requested_slot"] == "appointment_time"
    reply = joined(stack.say(sender, "下周二上午10点"))
    slots = stack.slots(sender)
    assert slots["appointment_time"] and slots["appointment_time"].endswith("T10:00")
    assert slots["requested_slot"] == "confirm"
    assert "1101**********" in reply  # the ID is masked in the read-back
    stack.say(sender, "没问题")
    cases = stack.cases(phone=fresh_phone)
    assert len(cases) == 1
    assert cases[0]["fields"]["cert_method"] == "window"
    assert "address" not in cases[0]["fields"]


def test_invalid_id_is_reasked_with_reason(stack, sender):
    stack.say(sender, "帮我妈做养老金资格认证，她叫李桂兰")
    valid = make_id()
    broken = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    reply = joined(stack.say(sender, broken))
    assert "校验" in reply
    assert stack.slots(sender)["id_number"] is None
    stack.say(sender, valid)
    assert stack.slots(sender)["id_number"] == valid


def test_online_guidance_needs_neither_time_nor_address(stack, sender, fresh_phone):
    reply = joined(stack.say(
        sender, f"社保认证，我叫王建国，身份证{make_id('19480101', '456')}，电话{fresh_phone}，想在手机上认证"))
    slots = stack.slots(sender)
    assert slots["cert_method"] == "online_guidance"
    assert slots["requested_slot"] == "confirm"
    assert "请核对" in reply
    stack.say(sender, "对")
    assert len(stack.cases(phone=fresh_phone)) == 1


def test_appointment_on_weekend_offers_valid_slots(stack, sender, fresh_phone):
    stack.say(sender, f"社保认证，我叫赵玉珍，身份证{make_id('19451111', '222')}，电话{fresh_phone}，去窗口")
    reply = joined(stack.say(sender, "这周日上午10点"))
    assert "1." in reply
    assert stack.slots(sender)["appointment_time"] is None
    offered = stack.slots(sender)["offered_times"]
    assert offered
    stack.say(sender, "1")
    assert stack.slots(sender)["appointment_time"] == offered[0]
