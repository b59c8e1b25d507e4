"""Replies shaped for WeChat: numbered options, pieces within the byte limit."""
from channels.notify import status_message
from channels.wechat.render import OPTIONS_HINT, compose, render_message, split_text


def test_buttons_become_numbered_options_with_their_payloads():
    text, payloads = render_message({"text": "请选择认证方式：", "buttons": [
        {"title": "上门认证", "payload": "/inform{\"cert_method\":\"home_visit\"}"},
        {"title": "窗口办理", "payload": "/inform{\"cert_method\":\"window\"}"}]})
    assert text == f"请选择认证方式：\n1. 上门认证\n2. 窗口办理\n{OPTIONS_HINT}"
    assert payloads[1] == "/inform{\"cert_method\":\"window\"}"


def test_a_turns_messages_become_one_reply():
    reply = compose([{"text": "好的。"}, {"text": "请问地址？"}], 2048)
    assert reply.chunks == ["好的。\n\n请问地址？"] and reply.payloads == []


def test_long_replies_are_split_within_the_byte_limit_at_line_ends():
    lines = [f"第{i}条：" + "社区服务中心办理材料说明" * 8 for i in range(40)]
    chunks = split_text("\n".join(lines), 2048)
    assert len(chunks) > 1
    assert all(len(c.encode("utf-8")) <= 2048 for c in chunks)
    assert "\n".join(chunks) == "\n".join(lines)  # nothing lost, lines kept whole


def test_a_single_line_longer_than_the_limit_is_cut_between_characters():
    line = "漏水" * 2000  # 12,000 bytes, no line break
    chunks = split_text(line, 2048)
    assert all(len(c.encode("utf-8")) <= 2048 for c in chunks)
    assert "".join(chunks) == line


def test_status_message_says_the_status_in_plain_words():
    text = status_message({"case_number": "PR20261129001", "service": "property_repair",
                           "status": "in_progress", "note": "师傅明天上门",
                           "channel": "wechat", "conversation_id": "o1"})
    assert "PR20261129001" in text and "物业报修" in text and "办理中" in text
    assert "师傅明天上门" in text and "in_progress" not in text
