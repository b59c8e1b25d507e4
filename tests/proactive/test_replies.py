"""Which words stop reminders, and which answer an appointment reminder."""
from channels.reminder_replies import CHANGE, CONFIRM, opts_out


def test_unsubscribe_words():
    for said in ("退订", "退订。", "TD", "不要再提醒我", "别再提醒我了", "不要再给我发了", "取消提醒"):
        assert opts_out(said), said
    for said in ("我不要退订费", "提醒我明天去", "不要", "1"):
        assert not opts_out(said), said


def test_confirm_and_change():
    assert all(CONFIRM.match(s) for s in ("1", "１", "确认", "1。"))
    assert all(CHANGE.match(s) for s in ("2", "改约", "改期"))
    assert not CONFIRM.match("12") and not CHANGE.match("2号楼")
