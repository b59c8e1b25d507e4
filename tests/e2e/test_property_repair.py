"""物业报修 end to end through the REST channel, against the real stack."""
import pytest

pytestmark = pytest.mark.slow


def joined(replies):
    return "\n".join(replies)


def test_bare_start_collects_confirms_and_files(stack, sender, fresh_phone):
    assert "地址" in joined(stack.say(sender, "我要报修"))
    assert stack.slots(sender)["requested_slot"] == "address"
    stack.say(sender, "3号楼2单元502")
    slots = stack.slots(sender)
    assert (slots["building"], slots["unit"], slots["room"]) == ("3", "2", "502")
    assert stack.slots(sender)["requested_slot"] == "description"
    # What is wrong, in the resident's words: the category follows from it.
    reply = joined(stack.say(sender, "厨房水龙头一直滴水关不紧"))
    assert stack.slots(sender)["repair_category"] == "water"
    assert "电话" in reply
    reply = joined(stack.say(sender, fresh_phone))
    assert stack.slots(sender)["requested_slot"] == "preferred_time"
    reply = joined(stack.say(sender, "随时都行"))
    assert "请核对" in reply and "随时" in reply and fresh_phone[-4:] in reply and fresh_phone not in reply
    assert stack.cases(phone=fresh_phone) == []  # nothing filed before confirmation
    reply = joined(stack.say(sender, "对的"))
    cases = stack.cases(phone=fresh_phone)
    assert len(cases) == 1
    assert cases[0]["service"] == "property_repair"
    assert cases[0]["case_number"] in reply
    assert cases[0]["fields"]["repair_category"] == "water"


def test_values_in_opening_message_are_not_asked_again(stack, sender, fresh_phone):
    reply = joined(stack.say(sender, f"我家3号楼2单元502卫生间水管漏水了，电话{fresh_phone}，明天上午来修"))
    slots = stack.slots(sender)
    assert slots["address"] and slots["phone"] == fresh_phone
    assert slots["repair_category"] == "water"
    assert slots["description"] == "卫生间水管漏水了"
    assert slots["preferred_time"].endswith("T09:00")
    # Everything is known: straight to the read-back.
    assert slots["requested_slot"] == "confirm"
    assert "请核对" in reply
    stack.say(sender, "是的")
    assert len(stack.cases(phone=fresh_phone)) == 1


def test_cancel_files_nothing_and_clears_the_form(stack, sender, fresh_phone):
    stack.say(sender, "报修")
    stack.say(sender, "5栋1单元301")
    reply = joined(stack.say(sender, "算了不办了"))
    assert "取消" in reply
    tracker = stack.tracker(sender)
    assert not (tracker.get("active_loop") or {}).get("name")
    assert tracker["slots"]["requested_slot"] is None
    assert stack.cases(conversation_id=sender) == []


def test_wrong_phone_is_reasked_with_the_reason(stack, sender):
    stack.say(sender, "我家3号楼2单元502暖气片漏水")
    assert stack.slots(sender)["repair_category"] == "heating"
    reply = joined(stack.say(sender, "1381234"))
    assert "11位" in reply
    assert stack.slots(sender)["phone"] is None
    assert stack.slots(sender)["requested_slot"] == "phone"


def test_correction_after_readback_updates_and_reads_back(stack, sender, fresh_phone):
    stack.say(sender, f"3号楼2单元502电灯开关坏了，电话13800001111，明天下午来")
    other = fresh_phone
    reply = joined(stack.say(sender, f"不对，电话是{other}"))
    assert stack.slots(sender)["phone"] == other
    assert other[-4:] in reply and "请核对" in reply
    stack.say(sender, "对")
    assert len(stack.cases(phone=other)) == 1
