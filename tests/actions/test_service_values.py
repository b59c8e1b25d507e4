"""Checks of the values only some services ask for (pure functions)."""
from datetime import date

import pytest

from actions.forms import activities
from actions.forms import service_values as sv
from actions.forms.complaint_suggestion import ANONYMOUS
from actions.forms.consultation_booking import opening_topic, topic_from_opening
from actions.forms.profile import mask_name, offer_text
from actions.forms.spec import SPECS
from nlu.rules.id_number import checksum_char

TODAY = date(2026, 11, 29)


def make_id(birth: str) -> str:
    first17 = "110105" + birth + "123"
    return first17 + checksum_char(first17)


def test_allowance_age_counts_the_birthday():
    assert sv.check_allowance_age(make_id("19461129"), TODAY).ok  # 80 today
    young = sv.check_allowance_age(make_id("19461130"), TODAY)  # 80 tomorrow
    assert not young.ok and "79岁" in young.reason and "2026年11月30日" in young.reason
    assert "年满80周岁" in sv.check_allowance_age(make_id("19600101"), TODAY).reason


@pytest.mark.parametrize("text,grade", [("三年级", 3), ("3年级", 3), ("6", 6), ("孩子上一年级", 1), ("五", 5)])
def test_grade_accepts_primary(text, grade):
    assert sv.check_grade(text).value == grade


@pytest.mark.parametrize("text", ["初一", "七年级", "幼儿园大班", "不知道"])
def test_grade_refuses_with_reason(text):
    check = sv.check_grade(text)
    assert not check.ok and ("1到6年级" in check.reason or "几年级" in check.reason)


@pytest.mark.parametrize("text,count", [("两个人", 2), ("3位", 3), ("我和老伴", 2), ("就我自己", 1), ("4", 4),
                                        ("就我自个儿", 1), ("俺一个", 1), ("就报两个", 2),
                                        ("茶话会 我也 报一个 我跟 老伴 两个人", 2),
                                        # 俩 and 仨 are counts in one word
                                        ("俩人 俺跟俺娘", 2), ("帮他们俩报上", 2), ("我们仨", 3),
                                        # the relatives named, the speaker not going
                                        ("这周六那个敬老茶话会还能报吗 给我爷爷奶奶报", 2)])
def test_participants(text, count):
    assert sv.check_participants(text).value == count


def test_about_that_many_is_the_larger_count_and_over_the_limit_is_told_so():
    assert sv.find_participants("两三个人") == 3
    assert sv.find_participants("我们 七八个人 呢") == 8
    assert "1到5" in sv.check_participants("七八个人").reason


def test_participants_limits():
    assert "1到5" in sv.check_participants("八个人").reason
    assert "只剩2个" in sv.check_participants("3个人", remaining=2).reason
    assert not sv.check_participants("好多人").ok


def test_household_size_and_frequency():
    assert sv.check_household_size("家里3口人").value == 3
    assert sv.check_household_size("就我跟孙子两个").value == 2  # who, then how many
    assert sv.check_household_size("我和老伴还有儿子三个").value == 3
    assert sv.check_household_size("两个").value == 2
    assert sv.check_household_size("就俩人，我跟我孙子").value == 2
    assert not sv.check_household_size("很多").ok
    assert sv.find_frequency("每周3次就行") == "每周3次"
    assert sv.find_frequency("每天送午饭") == "每天"
    assert sv.find_frequency("送饭") is None
    # weekdays by number alone, answering how often
    assert sv.check_frequency("二四六来就行，一三五我儿子在").value == "每周二四六"
    assert sv.check_frequency("一三五") .value == "每周一三五"
    assert not sv.check_frequency("三一").ok
    assert sv.find_frequency("每个星期一和星期四") == "每周一四"
    assert sv.find_frequency("两个礼拜来一次") == "每2周1次"
    assert sv.check_frequency("随便，你们看着办").value.startswith("待定")


def test_of_several_grades_the_childs_is_the_primary_one_said_last():
    assert sv.check_grade("搞错了，初一是他姐，他是二年级").value == 2
    assert sv.check_grade("七年级是他哥，他是五年级").value == 5


@pytest.mark.parametrize("text,kind", [("我要投诉物业", "complaint"), ("楼下烧烤太吵扰民", "complaint"),
                                       ("我来反映个情况，有人在绿地里遛狗不拴绳", "complaint"),
                                       ("车棚的灯坏了好几个礼拜", "complaint"),
                                       ("建议多开几个充电桩", "suggestion"), ("2", "suggestion"), ("1", "complaint")])
def test_kind(text, kind):
    assert sv.check_kind(text).value == kind


def test_kind_unclear_is_reasked():
    assert "1. 投诉" in sv.check_kind("嗯那个").reason


def test_free_text_needs_substance():
    assert not sv.check_free_text("嗯", "具体情况", "例子").ok
    assert sv.check_free_text(" 东门路灯坏了三天 ", "具体情况", "例子").value == "东门路灯坏了三天"


CATALOGUE = [
    {"activity_id": "ACT001", "title": "敬老茶话会", "starts_at": "2026-12-04T14:30:00+08:00", "remaining": 38},
    {"activity_id": "ACT002", "title": "智能手机使用培训班", "starts_at": "2026-12-02T09:30:00+08:00", "remaining": 6},
    {"activity_id": "ACT003", "title": "亲子手工课：剪纸与灯笼", "starts_at": "2026-12-08T10:00:00+08:00", "remaining": 0},
    {"activity_id": "ACT005", "title": "防诈骗讲座", "starts_at": "2026-12-11T15:00:00+08:00", "remaining": 51},
]


@pytest.mark.parametrize("text,activity", [
    ("我想报名茶话会", "ACT001"), ("手机培训", "ACT002"), ("报名下周的防诈骗讲座", "ACT005"),
    ("防炸骗的那个", "ACT005"),  # a recogniser's homophone
    ("剪纸", "ACT003"), ("亲子手工", "ACT003"),
])
def test_activity_matched_by_characters_or_sound(text, activity):
    assert activities.match_activity(text, CATALOGUE).activity["activity_id"] == activity


@pytest.mark.parametrize("text", ["我想报名社区活动", "报名", "有什么活动"])
def test_no_activity_named(text):
    assert activities.match_activity(text, CATALOGUE) is None


def test_open_activities_skip_full_and_excluded():
    ids = [a["activity_id"] for a in activities.open_activities(CATALOGUE, exclude="ACT001")]
    assert ids == ["ACT002", "ACT005"]
    assert "剩6个名额" in activities.describe_activity(CATALOGUE[1])


def test_consultation_topic_only_when_said():
    assert topic_from_opening("我想约个律师") is None
    assert topic_from_opening("想约家庭医生签约") is None
    assert "抚养权" in topic_from_opening("我想约律师咨询离婚后孩子抚养权的问题")


def test_a_family_doctor_opening_is_its_topic_only_with_a_condition():
    assert opening_topic("你好，想给家里两位老人签个家庭医生，得先预约是吧", "family_doctor") is None
    assert opening_topic("我七十三了，想签个家庭医生，以后开药方便", "family_doctor") is None
    assert "糖尿病" in opening_topic("我有糖尿病 每个月都要跑医院 想签个家庭医生", "family_doctor")
    assert "吵架" in opening_topic("想约一次心理咨询，跟家里人关系处不好，天天吵架", "psychological")


def test_a_complaint_opening_is_its_content_only_when_it_says_the_matter():
    from actions.forms.complaint_suggestion import CONTENT_IN_OPENING, said_enough
    assert not said_enough("你好，我要投诉小区门口的烧烤摊", CONTENT_IN_OPENING)
    assert not said_enough("想反映个停车的问题，能不能匿名啊？", CONTENT_IN_OPENING)
    assert not said_enough("我有个建议，关于你们服务中心窗口排队的", CONTENT_IN_OPENING)
    assert said_enough("楼上装修天天早上七点就开始电钻，周末也不停，我要投诉", CONTENT_IN_OPENING)
    assert said_enough("喂 我要投诉 我们小区那个垃圾站 好几天没人清了 臭死了 我不留名字啊", CONTENT_IN_OPENING)


def test_anonymous_words():
    assert ANONYMOUS.search("我想匿名")
    assert ANONYMOUS.search("不留电话了")
    assert not ANONYMOUS.search("电话是13812345678")


def test_profile_offers_are_masked():
    assert mask_name("张秀英") == "张*英" and mask_name("王五") == "王*"
    assert "尾号5678" in offer_text("phone", "13812345678")
    assert "13812345678" not in offer_text("phone", "13812345678")


def test_every_service_has_a_spec_with_contract_fields():
    expected = {
        "elderly_allowance": {"person_name", "id_number", "phone", "address"},
        "residence_permit": {"person_name", "id_number", "phone", "appointment_time"},
        "elderly_home_service": {"service_type", "person_name", "address", "phone", "appointment_time"},
        "after_school_care": {"child_name", "grade", "guardian_name", "phone"},
        "consultation_booking": {"consultation_type", "person_name", "phone", "appointment_time", "topic"},
        "subsistence_allowance": {"person_name", "phone"},
        "complaint_suggestion": {"kind", "content"},
        "emergency_help": {"emergency_type"},
    }
    for service, fields in expected.items():
        spec = SPECS[service]
        assert fields <= set(spec.fields + spec.extra_fields), service
    assert "activity_id" in SPECS["activity_signup"].extra_fields
    assert SPECS["subsistence_allowance"].needs_caseworker
    assert SPECS["emergency_help"].priority == "urgent"


@pytest.mark.parametrize("slot,text,answer", [
    ("person_name", "钱多多", True),          # a name, not a question about fees
    ("person_name", "你们几点上班", False),
    ("person_name", "办低保要什么材料", False),
    ("phone", "13812345678", True),
    ("phone", "电话费怎么交", False),
    ("child_name", "王小明", True),
    ("address", "3号楼", True),
    ("address", "楼道灯又坏了", False),
    ("kind", "算投诉吧", True),              # picks complaint; it does not cancel
    ("kind", "算了不办了", False),
    ("confirm", "对，快点派人", True),
    ("confirm", "这回对了", True),
    ("confirm", "不对，电话错了", False),
    ("person_name", "我要转人工", False),
    (None, "钱多多", False),
])
def test_a_plain_answer_is_not_a_digression(slot, text, answer):
    from actions.forms.turn import looks_like_answer
    assert looks_like_answer(slot, text) is answer


@pytest.mark.parametrize("address, missing", [
    ("李家村三组", True),  # a village group names the place, not the door
    ("翠苑三期", True),
    ("石牌村", True),
    ("李家村三组27号", False),
    ("和平新村5栋2单元301", False),
    ("长乐路120弄7号3楼", False),
])
def test_a_home_service_asks_for_the_door_number_of_a_place_without_one(address, missing):
    from rasa_sdk import Tracker

    from actions.forms.elderly_allowance import ValidateElderlyAllowanceForm
    tracker = Tracker("s", {"requested_slot": "address"}, {"text": address, "intent": {}, "entities": []},
                      [], False, None, None, None)
    assert ValidateElderlyAllowanceForm().door_number_missing(address, tracker) is missing


@pytest.mark.parametrize("earlier, now, same", [
    ("给我妈申请高龄津贴", "我妈还想要助餐，每天送午饭", True),
    ("给我妈申请高龄津贴", "我爸也八十多了，也帮他办一个", False),
    ("我是她女儿，帮我外婆办认证", "另外我女儿想报四点半课堂", False),
    ("下周一那个义诊我和老伴想去", "另外我老伴有高血压，想签个家庭医生", False),
    ("我和我老婆都要办 先办我的", "好 再给我老婆也约一个", False),
])
def test_a_new_request_names_the_relative_already_served_or_another(earlier, now, same):
    from rasa_sdk import Tracker

    from actions.forms.base import ServiceForm
    from actions.forms.turn import relation_named
    events = [{"event": "user", "text": earlier, "parse_data": {"intent": {"name": "elderly_allowance"}}},
              {"event": "user", "text": now}]
    tracker = Tracker("s", {}, {"text": now, "intent": {}, "entities": []}, events, False, None, None, None)
    assert relation_named(now)
    assert ServiceForm.same_relative(tracker) is same


def test_a_house_number_answering_another_question_keeps_the_appointment():
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.forms.social_security_certification import ValidateSocialSecurityCertificationForm
    said = "福州鼓楼区衣锦坊23号"
    events = [{"event": "slot", "name": "appointment_time", "value": "2026-12-15T10:00"},
              {"event": "user", "text": said}]
    tracker = Tracker("s", {"requested_slot": "address", "appointment_time": "2026-12-23"},
                      {"text": said, "intent": {}, "entities": []}, events, False, None, None, None)
    form = ValidateSocialSecurityCertificationForm()
    assert form.validate_appointment_time("2026-12-23", CollectingDispatcher(), tracker, {}) == \
        {"appointment_time": "2026-12-15T10:00"}


def test_a_weekday_said_at_the_read_back_is_in_the_week_held():
    from datetime import date

    from actions.forms.values import in_week_of
    said, monday = "礼拜二我要上班，改成礼拜三下午三点嘛", date(2026, 12, 7)
    assert in_week_of("2026-12-15T10:00", "2026-12-09T15:00", said, monday) == "2026-12-16T15:00"
    assert in_week_of("2026-12-15T10:00", "2026-12-09T15:00", "改成这周三下午三点", monday) == "2026-12-09T15:00"


def test_a_second_request_that_says_the_phone_is_the_same_keeps_it():
    from actions.forms.turn import SAME_PHONE_SAID
    assert SAME_PHONE_SAID.search("还有我爸爸也满八十了 也给他办一个 地址电话跟我妈一样的")
    assert SAME_PHONE_SAID.search("再报小的，叫陆嘉轩，一年级，家长和电话跟刚才一样")
    assert not SAME_PHONE_SAID.search("我老婆也要办居住证，能不能也约下周二上午九点")


@pytest.mark.parametrize("text, category", [
    ("我哋栋楼梯间啲灯坏咗成个礼拜，夜晚黑蚊蚊", "public_facility"), ("屋企冇水", "water"),
])
def test_cantonese_function_words_do_not_hide_the_symptom(text, category):
    assert sv.repair_category_of(text) == category
