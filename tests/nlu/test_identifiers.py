"""Phones, ID numbers, case numbers, names and vocabulary: pure functions."""
import pytest

from nlu.rules.case_number import find_case_numbers
from nlu.rules.digits import chinese_numeral_to_int, normalise_digit_runs
from nlu.rules.gazetteer import best_match, find_in_vocab
from nlu.rules.id_number import birth_date, checksum_char, find_id_numbers, id_problem, mask_id
from nlu.rules.person_name import find_person_names
from nlu.rules.phone import find_phones, phone_problem
from nlu.rules.vocab import CERT_METHOD, GENERIC_PHRASES, REPAIR_CATEGORY


def valid_id(prefix17: str = "11010519491231002") -> str:
    return prefix17 + checksum_char(prefix17)


@pytest.mark.parametrize("text,expected", [
    ("电话13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("幺三八一二三四五六七八", "13812345678"),
    ("一三九洞洞洞幺幺两两三", "13900011223"),
    ("１３８１２３４５６７８", "13812345678"),
    ("座机010-62345678", "01062345678"),
])
def test_phone_forms_are_normalised(text, expected):
    assert [m.value for m in find_phones(text)] == [expected]


def test_phone_span_points_at_the_number():
    text = "我的电话是138 1234 5678谢谢"
    match = find_phones(text)[0]
    assert text[match.start:match.end] == "138 1234 5678"


@pytest.mark.parametrize("text,needle", [
    ("1381234", "11位"), ("12812345678", "3到9"), ("我没有电话", "没有听到"),
])
def test_phone_problems_are_explained(text, needle):
    assert needle in phone_problem(text)


def test_id_number_is_not_a_phone():
    assert find_phones(valid_id()) == []


def test_valid_id_extracted_with_upper_case_x():
    base = next(p for p in (f"1101051949123100{i}" for i in range(10)) if checksum_char(p) == "X")
    assert [m.value for m in find_id_numbers(f"身份证号{base}x")] == [base + "X"]


def test_invalid_checksum_is_not_extracted_and_explained():
    good = valid_id()
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    assert find_id_numbers(bad) == []
    assert "校验" in id_problem(bad)
    assert "18位" in id_problem(good[:-2])


def test_spoken_id_number():
    good = valid_id()
    spoken = "".join("幺两三四五六七八九"[int(c) - 1] if c != "0" else "零" for c in good[:17]) + good[17]
    assert [m.value for m in find_id_numbers(spoken)] == [good]


@pytest.mark.parametrize("x", ["叉", "艾克斯", "埃克斯", "爱克斯"])
def test_a_spoken_x_at_the_end(x):
    said = "幺二零幺零三 幺九四六幺二零七 六零四" + x
    assert [m.value for m in find_id_numbers(said)] == ["12010319461207604X"]


def test_birth_date_and_mask():
    good = valid_id()
    assert birth_date(good).isoformat() == "1949-12-31"
    assert mask_id(good) == good[:4] + "*" * 10 + good[-4:]


@pytest.mark.parametrize("text,expected", [
    ("我的编号是SQ20261128-000123", "SQ20261128-000123"),
    ("sq20261128 123", "SQ20261128-000123"),
])
def test_case_numbers(text, expected):
    assert [m.value for m in find_case_numbers(text)] == [expected]


def test_digits_helpers():
    assert chinese_numeral_to_int("三百零二") == 302
    assert chinese_numeral_to_int("五零二") == 502
    assert chinese_numeral_to_int("十二") == 12
    assert normalise_digit_runs("电话幺三八一二三四五六七八") == "电话13812345678"
    assert normalise_digit_runs("一下") == "一下"


@pytest.mark.parametrize("text,expected", [
    ("我家暖气片漏水了", "heating"),
    ("卫生间水管漏水", "water"),
    ("楼道灯不亮了", "public_facility"),
    ("家里跳闸了", "electricity"),
    ("燃气灶打不着火", "gas"),
    ("电梯坏了", "elevator"),
    ("单元门的门禁坏了", "public_facility"),
])
def test_repair_category(text, expected):
    assert best_match(find_in_vocab(text, "repair_category", REPAIR_CATEGORY), GENERIC_PHRASES).value == expected


def test_homophones_match_by_pinyin():
    assert find_in_vocab("能不能上们认证", "cert_method", CERT_METHOD)[0].value == "home_visit"
    assert find_in_vocab("楼道等坏了", "repair_category", REPAIR_CATEGORY)[0].value == "public_facility"


@pytest.mark.parametrize("text,expected", [
    ("我叫张秀英", ["张秀英"]),
    ("社保认证，我叫王建国，身份证", ["王建国"]),
    ("她叫李桂兰", ["李桂兰"]),
    ("我是社区居民", []),
])
def test_person_names(text, expected):
    assert [m.value for m in find_person_names(text)] == expected


def test_unicode_digits_that_int_refuses_are_not_numerals():
    """Found by the fuzz run: ² and ① are str.isdigit() but int() raises on them."""
    assert chinese_numeral_to_int("²") is None
    assert chinese_numeral_to_int("①") is None
    assert chinese_numeral_to_int("１２") == 12
