"""Unit tests of the pure masking functions."""
import pytest

from backoffice.masking import (
    mask_address, mask_fields, mask_id_number, mask_middle, mask_name, mask_phone, mask_room,
    scrub_text,
)


@pytest.mark.parametrize("raw, masked", [
    ("11010519491231123X", "110105********123X"),
    ("11010519491231123x", "110105********123X"),
    ("110105 19491231 123X", "110105********123X"),
    ("110105491231123", "110********1123"),  # 15-digit legacy ID: at least 8 hidden
    ("", ""),
])
def test_mask_id_number(raw, masked):
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("13812345678", "138****5678"),
    ("138-1234-5678", "138****5678"),
    (13812345678, "138****5678"),
    ("01088886666", "010****6666"),
    ("88886666", "****6666"),
    ("1234", "****"),
    ("无", "***"),
])
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("张三", "张*"),
    ("张秀英", "张**"),
    ("欧阳娜娜", "欧阳**"),
    ("欧阳", "欧*"),
    ("司马光", "司马*"),
    ("王", "*"),
    (" 李四 ", "李*"),
])
def test_mask_name(raw, masked):
    assert mask_name(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("3号楼2单元502", "3号楼2单元5**"),
    ("3号楼2单元502室", "3号楼2单元5**室"),
    ("幸福小区3栋1单元1102", "幸福小区3栋1单元1***"),
    ("3-2-502", "3-2-5**"),
    ("幸福路88号3号楼2单元", "幸福路88号3号楼2单元"),
    ("和平里小区5号楼", "和平里小区5号楼"),
    ("社区东门", "社区东门"),
])
def test_mask_address_masks_room_keeps_building_and_unit(raw, masked):
    assert mask_address(raw) == masked


def test_mask_room_keeps_floor_digit():
    assert [mask_room("502"), mask_room("1102"), mask_room("5"), mask_room("")] == [
        "5**", "1***", "*", ""]


def test_mask_middle_hides_at_least_min_masked():
    assert mask_middle("abcdefgh", head=3, tail=4, min_masked=4) == "****efgh"
    assert mask_middle("ab", head=3, tail=4, min_masked=4) == "**"


def test_scrub_text_masks_embedded_numbers_only():
    text = "联系13812345678，身份证11010519491231123X，住502"
    assert scrub_text(text) == "联系138****5678，身份证110105********123X，住502"


def test_mask_fields_by_name_and_scrubs_free_text():
    fields = {
        "person_name": "欧阳娜娜", "child_name": "李小明", "guardian_name": "李四",
        "id_number": "11010519491231123X", "phone": "13812345678", "contact_phone": "13900001111",
        "address": "3号楼2单元502", "building": "3", "unit": "2", "room": "502",
        "description": "请打13812345678", "participants": 2, "anonymous": True, "topic": None,
    }
    assert mask_fields(fields) == {
        "person_name": "欧阳**", "child_name": "李**", "guardian_name": "李*",
        "id_number": "110105********123X", "phone": "138****5678", "contact_phone": "139****1111",
        "address": "3号楼2单元5**", "building": "3", "unit": "2", "room": "5**",
        "description": "请打138****5678", "participants": 2, "anonymous": True, "topic": None,
    }


def test_mask_fields_masks_each_item_of_a_list_value():
    assert mask_fields({"phone": ["13812345678", "13900001111"], "person_name": ["张三"]}) == {
        "phone": ["138****5678", "139****1111"], "person_name": ["张*"]}
