"""Validators of every slot the three services collect (pure functions)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from actions.forms import values
from actions.forms.property_repair import clean_description
from actions.forms.spec import SPECS, display, mask_phone
from nlu.rules.id_number import checksum_char
from nlu.rules.office_hours import OfficeHours

TZ = ZoneInfo("Asia/Shanghai")
SATURDAY_NIGHT = datetime(2026, 11, 28, 22, 0, tzinfo=TZ)
WEDNESDAY_MORNING = datetime(2026, 12, 2, 8, 0, tzinfo=TZ)


def test_phone_accepts_and_explains():
    assert values.check_phone("我的电话138-1234-5678").value == "13812345678"
    bad = values.check_phone("1381234")
    assert not bad.ok and "11位" in bad.reason and "例如" in bad.reason


def test_id_number_accepts_and_explains():
    first17 = "11010519500312123"
    good = first17 + checksum_char(first17)
    assert values.check_id_number(good, SATURDAY_NIGHT).value == good
    broken = good[:-1] + ("0" if good[-1] != "0" else "1")
    check = values.check_id_number(broken, SATURDAY_NIGHT)
    assert not check.ok and "校验" in check.reason
    assert "18位" in values.check_id_number("110105", SATURDAY_NIGHT).reason
    # words are not counted as digits ("您提供的是4位" for 不记得了 was wrong)
    no_digits = values.check_id_number("不记得了", SATURDAY_NIGHT)
    assert not no_digits.ok and "没有听到身份证号" in no_digits.reason and "您提供的是" not in no_digits.reason


def test_words_naming_a_position_between_the_groups_hold_no_digit():
    first17 = "21010219441001038"
    good = first17 + checksum_char(first17)
    assert good[-1] == "X"
    said = "二幺零幺零二 幺九四四 幺零零幺 零三八 最后一个是 X"
    assert values.check_id_number(said, SATURDAY_NIGHT).value == good


def test_a_digit_said_before_the_id_number_does_not_spoil_it():
    first17 = "32010219561103005"
    good = first17 + checksum_char(first17)
    said = "不对 倒数第二位是" + good[-2] + " " + good
    assert values.check_id_number(said, SATURDAY_NIGHT).value == good


@pytest.mark.parametrize("slot,text,hint", [("id_number", "不记得了", "身份证正面"),
                                            ("phone", "我忘了", "家里人"),
                                            ("address", "说不上来", "几号楼"),
                                            ("person_name", "不知道", "转人工")])
def test_not_knowing_a_value_gets_a_kind_reask(slot, text, hint):
    reason = values.dont_know_reason(slot, text)
    assert reason.startswith("没关系") and hint in reason and "转人工" in reason


@pytest.mark.parametrize("text", ["110105", "我忘了后面几位 110105", "我家住3号楼", ""])
def test_a_value_or_an_attempt_is_not_a_dont_know(text):
    assert values.dont_know_reason("id_number", text) is None


@pytest.mark.parametrize("text,name", [("张秀英", "张秀英"), ("我叫王建国", "王建国"), ("叫欧阳娜娜吧", "欧阳娜娜")])
def test_person_name(text, name):
    assert values.check_person_name(text).value == name


def test_person_name_rejects_noise():
    assert not values.check_person_name("13812345678").ok


def test_address_parts_and_vague_address():
    check = values.check_address("阳光小区三号楼二单元五零二")
    assert check.ok and check.extra == {"building": "3", "unit": "2", "room": "502"}
    assert not values.check_address("家").ok


def test_a_flat_in_a_unit_of_no_building_is_asked_for_its_building():
    check = values.check_address("幸福小区2单元301")
    assert not check.ok and "幸福小区2单元301" in check.reason and "楼号" in check.reason
    assert values.check_address("幸福小区6号楼2单元301").extra == {"building": "6", "unit": "2", "room": "301"}
    assert values.check_address("2单元门口").ok  # a common area needs no building


def test_choice_by_number_and_word():
    assert values.choose_by_number("2", ["a", "b", "c"]) == "b"
    assert values.choose_by_number("第三个", ["a", "b", "c"]) == "c"
    assert values.choose_by_number("9", ["a", "b"]) is None
    assert values.check_vocab("cert_method", "我去窗口办").value == "window"


def test_appointment_inside_hours_is_accepted():
    check = values.check_appointment(None, "下周二上午10点", SATURDAY_NIGHT, OfficeHours())
    assert check.value == "2026-12-01T10:00"


@pytest.mark.parametrize("text", ["这周日上午10点", "周三晚上8点", "昨天上午10点"])
def test_appointment_outside_hours_offers_nearest_slots(text):
    check = values.check_appointment(None, text, WEDNESDAY_MORNING, OfficeHours())
    assert not check.ok
    offered = check.extra["offered_times"]
    assert 1 <= len(offered) <= 3
    hours = OfficeHours()
    for iso in offered:
        assert hours.is_open(values.parse_iso(iso, TZ))
        assert values.parse_iso(iso, TZ) > WEDNESDAY_MORNING


def test_date_without_time_asks_for_a_slot_that_day():
    check = values.check_appointment(None, "12月3号", WEDNESDAY_MORNING, OfficeHours())
    assert not check.ok and all(s.startswith("2026-12-03T") for s in check.extra["offered_times"])


def test_preferred_time_may_be_outside_office_hours_but_not_past():
    assert values.check_preferred_time(None, "明天晚上7点", SATURDAY_NIGHT).ok
    assert not values.check_preferred_time("2026-11-01T10:00", "", SATURDAY_NIGHT).ok


def test_description_drops_phone_numbers():
    assert "138" not in clean_description("水管漏了，电话13812345678")


def test_read_back_masks_personal_data():
    first17 = "11010519500312123"
    good = first17 + checksum_char(first17)
    spec = SPECS["social_security_certification"]
    text = spec.summary({"person_name": "张秀英", "id_number": good, "phone": "13812345678",
                         "cert_method": "window"}, lambda v: v)
    assert good not in text and "13812345678" not in text
    assert mask_phone("13812345678") in text and "到中心窗口" in text
    assert display("id_number", good, str) == good[:4] + "*" * 10 + good[-4:]
