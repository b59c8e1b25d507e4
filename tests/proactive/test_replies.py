"""Which words stop reminders, and which answer an appointment reminder."""
from channels.reminder_replies import CHANGE, CONFIRM, forgets, opts_out


def test_unsubscribe_words():
    for said in ("退订", "退订。", "TD", "不要再提醒我", "别再提醒我了", "不要再给我发了", "取消提醒"):
        assert opts_out(said), said
    for said in ("我不要退订费", "提醒我明天去", "不要", "1"):
        assert not opts_out(said), said


def test_confirm_and_change():
    assert all(CONFIRM.match(s) for s in ("1", "１", "确认", "1。"))
    assert all(CHANGE.match(s) for s in ("2", "改约", "改期"))
    assert not CONFIRM.match("12") and not CHANGE.match("2号楼")


def test_forget_my_details_words():
    for said in ("忘记我的信息", "把我的信息删掉", "删除我的资料", "请把我的个人信息都删除",
                 "别记我的电话了", "不要保存我的地址", "忘了我吧", "你们记住的信息都删了吧"):
        assert forgets(said), said
    # not remembering a value is not a wish to be forgotten
    for said in ("我的电话忘记了", "忘记我的手机号了", "电话我忘了", "删掉刚才填的", "删除", "忘记密码了"):
        assert not forgets(said), said
