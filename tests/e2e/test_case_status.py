"""办理进度查询 by case number and by phone."""
import httpx
import pytest

from tests.stack import STAFF_TOKEN

pytestmark = pytest.mark.slow


def joined(replies):
    return "\n".join(replies)


def file_repair(stack, sender, phone):
    stack.say(sender, f"5号楼3单元201厨房下水道堵了，电话{phone}，明天上午来")
    stack.say(sender, "对")
    return stack.cases(phone=phone)[0]["case_number"]


def test_status_by_case_number_in_plain_words(stack, sender, fresh_phone):
    number = file_repair(stack, sender, fresh_phone)
    httpx.patch(f"{stack.backoffice}/api/v1/cases/{number}", json={"status": "in_progress", "note": "师傅已派单"},
                headers={"Authorization": f"Bearer {STAFF_TOKEN}"}, timeout=10).raise_for_status()
    reply = joined(stack.say("other-" + sender, f"查一下{number}的进度"))
    assert number in reply and "正在办理" in reply


def test_status_by_phone_asks_then_lists(stack, sender, fresh_phone):
    file_repair(stack, sender, fresh_phone)
    reply = joined(stack.say("q-" + sender, "我上次报的修怎么样了"))
    assert "编号" in reply
    reply = joined(stack.say("q-" + sender, fresh_phone))
    assert "物业报修" in reply and "已受理" in reply


def test_unknown_case_number(stack, sender):
    reply = joined(stack.say(sender, "查进度 SQ20200101-999999"))
    assert "没有找到" in reply

