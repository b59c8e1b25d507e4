"""Every message type, in plaintext, compatible and safe (AES) mode, against the
running channel; bodies built, signed and encrypted with wechatpy's crypto."""
import pytest

from channels.wechat.inbound import (IMAGE_TEXT, LOCATION_TEXT, MENU_FAILED_TEXT,
                                     UNSUPPORTED_TEXT)
from tests.channels.wechat.conftest import MAX_WORD_ERROR_RATE, SPOKEN_SENTENCE
from tests.channels.wechat.helpers import reply_text, user_channels, user_texts
from tests.channels.wechat.simulator import (MODES, message_xml, next_msg_id, random_openid,
                                             text_xml)
from tests.speech import word_error_rate

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("mode", MODES)
def test_text_is_answered_by_the_assistant_as_the_openid(wechat, wechat_api, wechat_stack, mode):
    openid = random_openid()
    answer = wechat.send(text_xml(openid, "你好"), mode)
    assert "物业报修" in reply_text(answer, wechat_api, openid)
    if answer.reply:  # a passive reply goes back to the resident, from the account
        assert answer.reply["ToUserName"] == openid
        assert answer.reply["FromUserName"] == "gh_community01"
    tracker = wechat_stack.tracker(openid)
    assert user_texts(tracker) == ["你好"]
    assert user_channels(tracker) == {"wechat"}


@pytest.mark.parametrize("mode", MODES)
def test_subscribe_gets_the_welcome_saying_what_the_assistant_does(wechat, wechat_api, mode):
    openid = random_openid()
    answer = wechat.send(message_xml(openid, "event", {"Event": "subscribe", "EventKey": ""}),
                         mode)
    welcome = reply_text(answer, wechat_api, openid)
    assert "物业报修" in welcome and "社保" in welcome


@pytest.mark.parametrize("mode", MODES)
def test_menu_click_starts_the_service(wechat, wechat_api, wechat_stack, mode):
    openid = random_openid()
    xml = message_xml(openid, "event", {"Event": "CLICK", "EventKey": "svc_property_repair"})
    assert "地址" in reply_text(wechat.send(xml, mode), wechat_api, openid)
    assert wechat_stack.slots(openid)["requested_slot"] == "address"


@pytest.mark.parametrize("mode", MODES)
def test_unknown_menu_key_gets_a_polite_answer(wechat, mode):
    xml = message_xml(random_openid(), "event", {"Event": "CLICK", "EventKey": "svc_lottery"})
    assert wechat.send(xml, mode).content == MENU_FAILED_TEXT


@pytest.mark.parametrize("mode", MODES)
def test_image_location_and_unknown_types_get_a_polite_answer(wechat, wechat_stack, mode):
    openid = random_openid()
    image = message_xml(openid, "image", {"PicUrl": "http://example.invalid/a.jpg",
                                          "MediaId": "m1"}, next_msg_id())
    location = message_xml(openid, "location", {"Location_X": "31.23", "Location_Y": "121.47",
                                                "Scale": "15", "Label": "某小区"}, next_msg_id())
    unknown = message_xml(openid, "hologram", {"Content": "?"}, next_msg_id())
    assert wechat.send(image, mode).content == IMAGE_TEXT
    assert wechat.send(location, mode).content == LOCATION_TEXT
    assert wechat.send(unknown, mode).content == UNSUPPORTED_TEXT
    assert user_texts(wechat_stack.tracker(openid)) == []  # nothing for the assistant


@pytest.mark.parametrize("mode", MODES)
def test_voice_with_recognition_uses_wechats_transcript(wechat, wechat_api, wechat_stack,
                                                        mode):
    openid = random_openid()
    xml = message_xml(openid, "voice", {"MediaId": "never-downloaded", "Format": "amr",
                                        "Recognition": "你好"}, next_msg_id())
    assert "物业报修" in reply_text(wechat.send(xml, mode), wechat_api, openid)
    assert user_texts(wechat_stack.tracker(openid)) == ["你好"]
    assert "never-downloaded" not in wechat_api.media_downloads


@pytest.mark.parametrize("mode", MODES)
def test_voice_without_recognition_is_downloaded_and_transcribed(
        wechat, wechat_api, wechat_stack, spoken_amr, mode):
    openid = random_openid()
    media_id = f"voice-{mode}-{openid[-6:]}"
    wechat_api.media[media_id] = (spoken_amr, "audio/amr")
    xml = message_xml(openid, "voice", {"MediaId": media_id, "Format": "amr",
                                        "Recognition": ""}, next_msg_id())
    answer = wechat.send(xml, mode, timeout=60)
    # answered: passively, or (the first transcription loads the model) by a
    # customer-service message afterwards
    assert reply_text(answer, wechat_api, openid, timeout_s=120).strip()
    assert media_id in wechat_api.media_downloads
    tracker = wechat_stack.tracker(openid)
    [heard] = user_texts(tracker)  # reached the assistant once, as text
    assert user_channels(tracker) == {"wechat"}
    # the words themselves vary with the processor (int8 inference); what was said must
    # still come through mostly intact
    assert word_error_rate(SPOKEN_SENTENCE, heard) <= MAX_WORD_ERROR_RATE, heard


def test_get_echo_for_setup(wechat, wechat_stack):
    import httpx
    query, _ = wechat.request(text_xml(random_openid(), "x"), "plaintext")
    ok = httpx.get(wechat.url, params={**query, "echostr": "8312719382"})
    assert ok.status_code == 200 and ok.text == "8312719382"
    bad = httpx.get(wechat.url, params={**query, "signature": "0" * 40, "echostr": "1"})
    assert bad.status_code == 403 and "1" != bad.text
