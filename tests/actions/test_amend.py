"""Corrections that say only the part that was wrong (是601不是501, 后四位是0435, 门牌是32号院)."""
import pytest

from actions.forms.amend import amendments

HELD = {"address": "河东区春华里8号楼2门402", "phone": "13912345678", "id_number": "11010519491231002X"}


@pytest.mark.parametrize("text, field, value", [
    ("地址写错了，是502不是402", "address", "河东区春华里8号楼2门502"),
    ("不是402，是302", "address", "河东区春华里8号楼2门302"),
    ("电话尾号是5670", "phone", "13912345670"),
    ("手机最后四位 幺二三四", "phone", "13912341234"),
    ("把5678改成5687", "phone", "13912345687"),
    ("电话最后一位是1", "phone", "13912345671"), ("身份证后四位打错了，应该是0038，不是002X", "id_number", "110105194912310038"), ("手机最后一位是幺", "phone", "13912345671"),
    ("身份证后四位应该是0038", "id_number", "110105194912310038"),
    ("不对，是9号楼", "address", "河东区春华里9号楼2门402"),
])
def test_the_part_said_changes_the_value_held(text, field, value):
    assert amendments(text, HELD) == {field: value}


def test_a_house_number_in_a_hutong_address():
    assert amendments("门牌是32号院，我说反了", {"address": "西城区百花深处胡同23号院"}) == \
        {"address": "西城区百花深处胡同32号院"}


@pytest.mark.parametrize("text", ["对，没错", "对，402", "是1234不是9999", "后三位是12345"])
def test_no_change_without_a_part_that_fits_one_value(text):
    assert amendments(text, HELD) == {}


def test_a_number_in_two_values_changes_neither_unless_the_field_is_named():
    held = {"phone": "13940212345", "address": "春华里8号楼402"}
    assert amendments("是403不是402", held) == {}
    assert amendments("地址是403不是402", held) == {"address": "春华里8号楼403"}


@pytest.mark.parametrize("text, name", [
    ("名字不对 芳是芬芳的芳 李秀芳", "李秀芳"),
    ("芳是芬芳的芳", "李秀芳"),
    ("名字写错了，应该是李秀芳", "李秀芳"),
])
def test_a_name_heard_as_a_homophone_is_put_right(text, name):
    assert amendments(text, {"person_name": "李秀方"}) == {"person_name": name}


def test_a_name_confirmed_is_left_alone():
    assert amendments("对，李秀方没错", {"person_name": "李秀方"}) == {}


def test_a_character_of_the_name_explained_then_the_one_written_turned_down():
    assert amendments("名字是草字头的芳 不是方向的方", {"person_name": "李淑方"}) == {"person_name": "李淑芳"}
