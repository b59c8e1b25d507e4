"""Voice variants of the assistant's replies (pure functions)."""
from voice.spoken import read_digits, speakable, spoken_reply


def test_phone_is_read_digit_by_digit_in_groups():
    assert read_digits("13812345678") == "幺三八，幺二三四，五六七八"
    assert "幺三八，幺二三四，五六七八" in speakable("您的电话是13812345678，对吗？")


def test_id_number_groups_and_x():
    assert read_digits("11010519500312123X") == "幺幺零幺零五，幺九五零零三幺二，幺二三叉"


def test_masked_values_are_read_as_their_tail():
    said = speakable("电话：138****5678")
    assert "尾号五六七八" in said and "*" not in said


def test_links_and_markup_are_dropped():
    said = speakable("详情见 https://example.gov.cn/guide 或 **窗口**咨询")
    assert "http" not in said and "example" not in said and "*" not in said
    assert "窗口" in said


def test_times_are_spoken():
    said = speakable("预约时间 2026-12-02T09:30")
    assert "二零二六年12月2日9点30分" in said


def test_buttons_become_a_menu_of_at_most_three():
    messages = [{"text": "请选择认证方式", "buttons": [
        {"title": "上门认证", "payload": "/a"}, {"title": "窗口办理", "payload": "/b"},
        {"title": "手机认证", "payload": "/c"}, {"title": "其他", "payload": "/d"}]}]
    said = spoken_reply(messages)
    assert said[0] == "请选择认证方式"
    assert said[1] == "您可以说：上门认证；窗口办理；手机认证。"
    assert "其他" not in "".join(said)


def test_numbered_choices_are_cut_to_three():
    text = "可以预约的时间：\n1. 12月3日 9:00\n2. 12月3日 10:00\n3. 12月4日 9:00\n4. 12月4日 10:00"
    said = speakable(text)
    assert "3，12月4日 9点" in said and "4，" not in said
