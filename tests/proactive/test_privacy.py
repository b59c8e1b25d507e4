"""退订 and 忘记我的信息 through the channels' own reply handling, with the real queue:
the same resident on another channel (linked by the phone they gave with consent)
gets nothing more, someone else still does, and nothing follows a forget."""
from __future__ import annotations

import uuid

import pytest

from bot.settings import Settings
from channels.reminder_replies import FORGET_DONE, OPT_OUT_DONE, ReminderReplies
from state.profile import ProfileStore
from state.residents import phone_digest
from tests.proactive.conftest import DAYTIME, wait_until
from tests.proactive.helpers import appointment_tomorrow, harness, openid

pytestmark = pytest.mark.slow


@pytest.fixture
async def day(daytime):
    h = await harness(daytime, DAYTIME)
    yield h
    await h.close()


@pytest.fixture
def replies(daytime, day):
    settings = Settings.from_env(daytime.env)
    return ReminderReplies.from_settings(day.redis, settings)


def web_sender() -> str:
    return f"web-{uuid.uuid4().hex}"


async def remembered(day, daytime, channel: str, sender: str, phone: str) -> None:
    """What 好 to the offer after a case does: the profile kept, reminders agreed."""
    profiles = ProfileStore(day.redis, daytime.prefix, 3600)
    await profiles.save(channel, sender, {"person_name": "测试居民", "phone": phone})
    await day.state.grant(channel, sender, "appointment")


async def settled(day, reminder_ids):
    async def done():
        found = [await day.outcomes(r) for r in reminder_ids]
        return all(found) and await day.queue.waiting() == 0
    return await wait_until(done)


async def test_unsubscribe_on_wechat_stops_the_same_resident_on_web_chat(daytime, day, replies):
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    wechat_id, web_id, neighbour = openid(), web_sender(), web_sender()
    await remembered(day, daytime, "wechat", wechat_id, phone)
    await remembered(day, daytime, "webchat", web_id, phone)
    await remembered(day, daytime, "webchat", neighbour, f"138{uuid.uuid4().int % 10**8:08d}")
    await day.window.touch(wechat_id)
    reminders = [appointment_tomorrow(day, wechat_id, lead_s=6),
                 appointment_tomorrow(day, web_id, channel="webchat", lead_s=6),
                 appointment_tomorrow(day, neighbour, channel="webchat", lead_s=6)]
    for reminder in reminders:
        assert await day.queue.schedule(reminder)

    handled = await replies.handle("wechat", wechat_id, "不要再提醒我了")
    assert handled.reply == OPT_OUT_DONE
    assert await settled(day, [r.reminder_id for r in reminders])
    outcomes = [await day.outcomes(r.reminder_id) for r in reminders]
    assert outcomes == [["skipped_consent"], ["skipped_consent"], ["sent"]]
    assert daytime.wechat.sent_to(wechat_id) == []
    assert await day.redis.xrange(f"{daytime.prefix}:webchat:out:{web_id}") == []
    assert len(await day.redis.xrange(f"{daytime.prefix}:webchat:out:{neighbour}")) == 1
    assert "optout" in await day.state.consents("webchat", web_id)
    assert "optout" not in await day.state.consents("webchat", neighbour)


async def test_an_identity_without_a_shared_phone_is_not_touched(daytime, day, replies):
    wechat_id, web_id = openid(), web_sender()
    await remembered(day, daytime, "wechat", wechat_id, f"137{uuid.uuid4().int % 10**8:08d}")
    await day.state.grant("webchat", web_id, "appointment")  # no profile: nothing links it
    assert (await replies.handle("wechat", wechat_id, "退订")).reply == OPT_OUT_DONE
    assert "optout" in await day.state.consents("wechat", wechat_id)
    assert "appointment" in await day.state.consents("webchat", web_id)
    assert "optout" not in await day.state.consents("webchat", web_id)


async def test_forget_my_details_deletes_profile_and_consent_and_nothing_is_sent(daytime, day, replies):
    phone = f"136{uuid.uuid4().int % 10**8:08d}"
    wechat_id, web_id = openid(), web_sender()
    await remembered(day, daytime, "wechat", wechat_id, phone)
    await remembered(day, daytime, "webchat", web_id, phone)
    await day.window.touch(wechat_id)
    reminders = [appointment_tomorrow(day, wechat_id, lead_s=6),
                 appointment_tomorrow(day, web_id, channel="webchat", lead_s=6)]
    for reminder in reminders:
        assert await day.queue.schedule(reminder)

    handled = await replies.handle("webchat", web_id, "请把我的个人信息都删除")
    assert handled.reply == FORGET_DONE
    profiles = ProfileStore(day.redis, daytime.prefix, 3600)
    for channel, sender in (("wechat", wechat_id), ("webchat", web_id)):
        assert await profiles.get(channel, sender) == {}
        assert await day.state.consents(channel, sender) == {}
    assert await settled(day, [r.reminder_id for r in reminders])
    assert [await day.outcomes(r.reminder_id) for r in reminders] == [["skipped_consent"]] * 2
    assert daytime.wechat.sent_to(wechat_id) == []
    assert await day.redis.xrange(f"{daytime.prefix}:webchat:out:{web_id}") == []
    # nothing left that links the two identities or holds the number's digest
    assert not await day.redis.exists(f"{daytime.prefix}:resident:phone:{phone_digest(phone)}",
                                      f"{daytime.prefix}:resident:of:wechat|{wechat_id}",
                                      f"{daytime.prefix}:resident:of:webchat|{web_id}")
