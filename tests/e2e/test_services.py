"""Every service form end to end through the REST channel, against the real stack.

Each test plays a resident: values given up front are not asked again,
special rules (age, full activities, office hours, caseworker, emergency,
anonymity) hold, and a case exists in the back office only after "对".
"""
import json

import httpx
import pytest
import redis

from nlu.rules.id_number import checksum_char
from tests.stack import BACKOFFICE_TOKEN

pytestmark = pytest.mark.slow


def make_id(birth: str, seq: str = "123") -> str:
    first17 = "110105" + birth + seq
    return first17 + checksum_char(first17)


def joined(replies):
    return "\n".join(replies)


def asked(stack, sender):
    return stack.slots(sender)["requested_slot"]


def only_case(stack, sender, service):
    cases = stack.cases(conversation_id=sender)
    assert [c["service"] for c in cases] == [service]
    return cases[0]


def activities(stack):
    response = httpx.get(f"{stack.backoffice}/api/v1/activities",
                         headers={"Authorization": f"Bearer {BACKOFFICE_TOKEN}"}, timeout=10)
    response.raise_for_status()
    return {a["activity_id"]: a for a in response.json()}


def handoff_item(stack, sender):
    raw = redis.Redis.from_url(stack.redis_url).get(f"{stack.prefix}:handoff:item:{sender}")
    return json.loads(raw) if raw else None


def test_elderly_allowance_for_an_85_year_old(stack, sender, fresh_phone):
    stack.say(sender, "我妈八十五了，听说有高龄津贴，怎么申请")
    assert asked(stack, sender) == "person_name"
    stack.say(sender, "李桂兰")
    stack.say(sender, make_id("19410305"))
    stack.say(sender, fresh_phone)
    reply = joined(stack.say(sender, "5号楼1单元301"))
    assert asked(stack, sender) == "confirm"
    assert "1101**********" in reply and fresh_phone not in reply
    assert stack.cases(conversation_id=sender) == []
    stack.say(sender, "对")
    case = only_case(stack, sender, "elderly_allowance")
    assert case["fields"]["building"] == "5"  # the room is masked in API answers


def test_elderly_allowance_under_80_explains_and_files_nothing(stack, sender):
    stack.say(sender, "我想申请高龄津贴")
    stack.say(sender, "王建国")
    reply = joined(stack.say(sender, make_id("19500312")))
    assert "80周岁" in reply and "不提交" in reply
    tracker = stack.tracker(sender)
    assert not (tracker.get("active_loop") or {}).get("name")
    assert stack.cases(conversation_id=sender) == []


def test_residence_permit_everything_up_front(stack, sender, fresh_phone):
    reply = joined(stack.say(
        sender, f"我叫陈晓东，身份证{make_id('19900518')}，想预约办居住证，下周三上午10点，电话{fresh_phone}"))
    slots = stack.slots(sender)
    assert slots["person_name"] == "陈晓东" and slots["appointment_time"].endswith("T10:00")
    assert asked(stack, sender) == "confirm" and "请核对" in reply
    stack.say(sender, "是的")
    case = only_case(stack, sender, "residence_permit")
    assert case["fields"]["appointment_time"] == slots["appointment_time"]


def test_a_second_request_for_someone_else_offers_the_earlier_phone(stack, sender, fresh_phone):
    stack.say(sender, f"我叫陈晓东，身份证{make_id('19900518')}，想预约办居住证，下周三上午10点，电话{fresh_phone}")
    stack.say(sender, "对")
    stack.say(sender, "不用了")  # the offer to remember the details
    reply = joined(stack.say(sender, "我老婆也要办居住证，也约下周三上午10点"))
    assert stack.slots(sender)["phone"] is None  # another person: not carried silently
    stack.say(sender, "她叫李娟")
    reply = joined(stack.say(sender, make_id("19920809", "582")))
    assert asked(stack, sender) == "phone"
    assert f"尾号{fresh_phone[-4:]}" in reply and fresh_phone not in reply
    stack.say(sender, "也打我这个电话")
    assert stack.slots(sender)["phone"] == fresh_phone
    assert asked(stack, sender) == "confirm"
    stack.say(sender, "对")
    cases = stack.cases(conversation_id=sender)  # newest first, names masked
    assert [(c["service"], c["fields"]["person_name"]) for c in cases] == [
        ("residence_permit", "李*"), ("residence_permit", "陈**")]


def test_the_speaker_after_a_request_for_a_relative_is_a_new_person(stack, sender, fresh_phone):
    stack.say(sender, "我想给我老婆预约办居住证")
    stack.say(sender, "她叫杨丽")
    stack.say(sender, make_id("19920520", "046"))
    stack.say(sender, fresh_phone)
    stack.say(sender, "这周五上午九点半")
    stack.say(sender, "对")
    stack.say(sender, "不用了")
    # no service named, no relative: 我自己 is the speaker, who was not the person before
    stack.say(sender, "我自己也还没办，能一起约吗？")
    slots = stack.slots(sender)
    assert (stack.tracker(sender).get("active_loop") or {}).get("name") == "residence_permit_form"
    assert slots["person_name"] is None and slots["id_number"] is None
    assert asked(stack, sender) == "person_name"


def test_another_relative_first_then_also_is_a_new_person_and_the_elder_is_the_same(stack, sender, fresh_phone):
    stack.say(sender, "你好，我想帮家里老人签家庭医生，先给我公公约")
    stack.say(sender, "公公叫邱国华")
    stack.say(sender, fresh_phone)
    stack.say(sender, "下周二上午九点半")
    stack.say(sender, "他有高血压，每个月都要去开药")
    stack.say(sender, "对")
    stack.say(sender, "不用了")
    stack.say(sender, "婆婆也要签，一起约")
    assert stack.slots(sender)["person_name"] is None  # 婆婆 is not 公公
    stack.say(sender, "婆婆叫吕淑贞")
    assert stack.slots(sender)["person_name"] == "吕淑贞"


def test_the_elder_named_again_as_the_elder_keeps_the_person(stack, sender, fresh_phone):
    stack.say(sender, "你好，我是赵德明老人家的保姆，老人瘫痪在床，想申请你们的助医服务")
    stack.say(sender, "老人住长江路56号院3号楼1单元101")
    stack.say(sender, fresh_phone)
    stack.say(sender, "这周三上午十点")
    if asked(stack, sender) == "frequency":
        stack.say(sender, "一个月两次")
    stack.say(sender, "对")
    stack.say(sender, "不用了")
    stack.say(sender, "还有，他儿子让我问问能不能给老人签个家庭医生")
    assert stack.slots(sender)["person_name"] == "赵德明"
    assert asked(stack, sender) != "person_name"


def test_an_id_of_someone_young_for_the_elderly_allowance_is_asked_again(stack, sender):
    stack.say(sender, "您好，帮我外婆申请高龄津贴，她叫何玉珍，85岁了")
    reply = joined(stack.say(sender, make_id("19980714")))
    assert "28岁" in reply and "老人本人" in reply
    assert asked(stack, sender) == "id_number"
    stack.say(sender, make_id("19410127"))
    assert asked(stack, sender) == "phone"


def test_faq_in_the_middle_of_a_form_then_it_goes_on(stack, sender):
    stack.say(sender, "办居住证要预约吗，我想约一个")
    assert asked(stack, sender) == "person_name"
    reply = joined(stack.say(sender, "你们中心几点上班"))
    assert "9" in reply  # the office hours answer
    assert (stack.tracker(sender).get("active_loop") or {}).get("name") == "residence_permit_form"
    assert asked(stack, sender) == "person_name"


def test_elderly_home_service_with_frequency_and_a_weekend_time(stack, sender, fresh_phone):
    stack.say(sender, "给我爸约个助餐服务，每周3次")
    slots = stack.slots(sender)
    assert slots["service_type"] == "meal" and slots["frequency"] == "每周3次"
    stack.say(sender, "刘德福")
    stack.say(sender, "2号楼3单元402")
    stack.say(sender, fresh_phone)
    reply = joined(stack.say(sender, "这周日上午"))
    assert stack.slots(sender)["appointment_time"] is None
    assert "1." in reply  # nearest valid slots offered
    stack.say(sender, "1")
    assert asked(stack, sender) == "confirm"
    stack.say(sender, "对")
    case = only_case(stack, sender, "elderly_home_service")
    assert case["fields"]["frequency"] == "每周3次" and case["fields"]["service_type"] == "meal"


def test_after_school_care_refuses_a_middle_school_grade(stack, sender, fresh_phone):
    stack.say(sender, "我想给孩子报四点半课堂")
    assert asked(stack, sender) == "child_name"
    stack.say(sender, "王小明")
    reply = joined(stack.say(sender, "初一"))
    assert "1到6年级" in reply and asked(stack, sender) == "grade"
    stack.say(sender, "三年级")
    assert asked(stack, sender) == "guardian_name"
    stack.say(sender, "王强")
    stack.say(sender, fresh_phone)
    stack.say(sender, "对")
    case = only_case(stack, sender, "after_school_care")
    assert case["fields"]["grade"] == 3 and case["fields"]["child_name"].startswith("王")  # masked


def test_activity_full_offers_alternatives_and_takes_a_place(stack, sender, fresh_phone):
    before = activities(stack)
    reply = joined(stack.say(sender, "我想报名剪纸灯笼那个亲子手工课"))
    assert "报满" in reply and "1." in reply
    stack.say(sender, "1")
    chosen = stack.slots(sender)["activity_id"]
    assert chosen and before[chosen]["remaining"] > 0
    stack.say(sender, "2个人")
    stack.say(sender, "赵丽华")
    stack.say(sender, fresh_phone)
    stack.say(sender, "对")
    case = only_case(stack, sender, "activity_signup")
    assert case["fields"]["activity_id"] == chosen and case["fields"]["participants"] == 2
    after = activities(stack)
    assert after[chosen]["remaining"] == before[chosen]["remaining"] - 2


def test_consultation_with_topic_up_front_and_a_correction_after_readback(stack, sender, fresh_phone):
    stack.say(sender, "我想约律师咨询离婚后孩子抚养权的问题")
    slots = stack.slots(sender)
    assert slots["consultation_type"] == "legal" and "抚养权" in slots["topic"]
    stack.say(sender, "周丽")
    stack.say(sender, fresh_phone)
    stack.say(sender, "下周三上午10点")
    assert asked(stack, sender) == "confirm"
    reply = joined(stack.say(sender, "时间改成下周四下午3点"))
    assert stack.slots(sender)["appointment_time"].endswith("T15:00")
    assert "请核对" in reply and "15:00" in reply
    stack.say(sender, "对")
    case = only_case(stack, sender, "consultation_booking")
    assert case["fields"]["appointment_time"].endswith("T15:00")


def test_subsistence_allowance_files_for_a_caseworker_and_hands_over(stack, sender, fresh_phone):
    stack.say(sender, "家里实在困难，老伴生病，想申请低保，家里3口人")
    stack.say(sender, "孙玉梅")
    stack.say(sender, fresh_phone)
    assert asked(stack, sender) == "situation"  # the household size was said up front
    stack.say(sender, "老伴住院半年了，医药费花光了积蓄，我也没有工作")
    reply = joined(stack.say(sender, "对"))
    case = only_case(stack, sender, "subsistence_allowance")
    assert case["needs_caseworker"] is True and case["fields"]["household_size"] == 3
    assert "老伴生病" in case["fields"]["situation"] and "住院" in case["fields"]["situation"]
    assert "社工" in reply
    assert stack.slots(sender)["handoff_reason"] == "caseworker"
    assert handoff_item(stack, sender)["reason"] == "caseworker"


def test_anonymous_complaint_keeps_no_phone(stack, sender):
    stack.say(sender, "我要投诉，小区东门的路灯坏了一个月了一直没人管")
    slots = stack.slots(sender)
    assert slots["kind"] == "complaint" and "路灯" in slots["content"]
    assert asked(stack, sender) == "phone"
    stack.say(sender, "匿名吧")
    assert asked(stack, sender) == "confirm"
    stack.say(sender, "对")
    case = only_case(stack, sender, "complaint_suggestion")
    assert "phone" not in case["fields"] and case["fields"]["kind"] == "complaint"


def test_emergency_files_an_urgent_case_and_hands_over(stack, sender):
    replies = stack.say(sender, "我妈在3号楼2单元502摔倒了起不来")
    assert "120" in replies[0]
    case = only_case(stack, sender, "emergency_help")
    assert case["priority"] == "urgent" and case["fields"]["emergency_type"] == "fall"
    assert stack.slots(sender)["handoff_reason"] == "emergency"
    assert handoff_item(stack, sender)["urgent"] is True


def test_an_emergency_after_an_answered_one_is_a_case_of_its_own(stack, sender):
    """The same words again, once the first emergency's turn was answered and saved, are
    a new emergency (a turn that died unsaved: tests/load/test_fault_drills.py)."""
    text = "我妈在3号楼2单元502摔倒了起不来"
    assert any("已登记紧急求助" in r for r in stack.say(sender, text))
    httpx.post(f"{stack.rasa}/conversations/{sender}/tracker/events",
               json={"event": "restart"}, timeout=10).raise_for_status()
    assert any("已登记紧急求助" in r for r in stack.say(sender, text))
    assert len(stack.cases(conversation_id=sender)) == 2


def test_cancel_in_a_new_service_files_nothing(stack, sender):
    stack.say(sender, "我要预约心理咨询")
    stack.say(sender, "何芳")
    reply = joined(stack.say(sender, "算了不约了"))
    assert "取消" in reply
    assert stack.slots(sender)["consultation_type"] is None
    assert stack.cases(conversation_id=sender) == []


def test_profile_is_kept_with_consent_and_offered_next_time(stack, sender, fresh_phone):
    stack.say(sender, f"我家3号楼2单元502卫生间水管漏水了，电话{fresh_phone}，明天上午来修")
    reply = joined(stack.say(sender, "对"))
    assert "记住" in reply
    assert "记住了" in joined(stack.say(sender, "好的"))
    # A new conversation for the same identity starts without any slot.
    httpx.post(f"{stack.rasa}/conversations/{sender}/tracker/events",
               json={"event": "restart"}, timeout=10).raise_for_status()
    assert stack.slots(sender)["phone"] is None
    reply = joined(stack.say(sender, "我要投诉，楼下饭店油烟太大熏得没法开窗"))
    assert asked(stack, sender) == "phone"
    assert f"尾号{fresh_phone[-4:]}" in reply and fresh_phone not in reply
    stack.say(sender, "是的")
    assert stack.slots(sender)["phone"] == fresh_phone
    assert asked(stack, sender) == "confirm"


def test_three_failures_hand_over_with_what_was_collected(stack, sender):
    stack.say(sender, "我要预约办居住证")
    stack.say(sender, "陈晓东")
    replies = [joined(stack.say(sender, bad)) for bad in ("12345", "不记得了", "110105")]
    # not remembering is met kindly, with where to find the number; it still counts
    assert "没关系" in replies[1] and "身份证正面" in replies[1]
    assert "工作人员" in replies[-1]
    assert stack.slots(sender)["handoff_reason"] == "validation_failed"
    item = handoff_item(stack, sender)
    assert item["reason"] == "validation_failed" and item["service"] == "residence_permit"
    assert item["slots"]["person_name"] == "陈晓东"
    assert stack.cases(conversation_id=sender) == []
