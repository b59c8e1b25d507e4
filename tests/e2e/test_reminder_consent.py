"""Consent to reminders in the dialogue: asked once after filing, in plain words;
好 grants the kinds named and queues the reminder, 不用 is kept, 退订 withdraws it all."""
import uuid
from datetime import datetime

import pytest
import redis

from proactive.clock import LOCAL_TZ
from tests.e2e.test_services import joined, make_id, only_case

pytestmark = pytest.mark.slow


@pytest.fixture
def r(stack):
    client = redis.Redis.from_url(stack.redis_url, decode_responses=True)
    yield client
    client.close()


def file_permit(stack, sender, phone):
    stack.say(sender, f"我叫陈晓东，身份证{make_id('19900518')}，想预约办居住证，下周三上午10点，电话{phone}")
    return joined(stack.say(sender, "是的"))


def queued_for(stack, r, case_number):
    jobs = r.zrange(f"{stack.prefix}:proactive:jobs", 0, -1)
    return [j for j in jobs if case_number in j]


def test_yes_grants_the_appointment_reminder_and_queues_it(stack, sender, fresh_phone, r):
    offer = file_permit(stack, sender, fresh_phone)
    assert "在预约前一天提醒您" in offer and "退订" in offer
    case = only_case(stack, sender, "residence_permit")
    assert "提醒" in joined(stack.say(sender, "好"))
    consent = r.hgetall(f"{stack.prefix}:proactive:consent:rest:{sender}")
    assert "appointment" in consent and "optout" not in consent
    assert len(queued_for(stack, r, case["case_number"])) == 1


def test_no_is_kept_and_nothing_is_queued(stack, sender, fresh_phone, r):
    file_permit(stack, sender, fresh_phone)
    case = only_case(stack, sender, "residence_permit")
    stack.say(sender, "不用")
    consent = r.hgetall(f"{stack.prefix}:proactive:consent:rest:{sender}")
    assert "no:appointment" in consent and "appointment" not in consent
    assert queued_for(stack, r, case["case_number"]) == []


def test_unsubscribe_withdraws_every_kind(stack, sender, fresh_phone, r):
    file_permit(stack, sender, fresh_phone)
    stack.say(sender, "好")
    assert "已为您退订" in joined(stack.say(sender, "退订"))
    consent = r.hgetall(f"{stack.prefix}:proactive:consent:rest:{sender}")
    assert "optout" in consent and "appointment" not in consent


def test_an_elder_under_80_the_applicant_is_offered_the_birthday_reminder(stack, sender, r):
    stack.say(sender, "我想给我爸申请高龄津贴")
    stack.say(sender, "王建国")
    reply = joined(stack.say(sender, make_id("19500312")))
    assert "80周岁" in reply and "在老人满80周岁、可以申请高龄津贴时提醒您" in reply
    assert stack.cases(conversation_id=sender) == []
    stack.say(sender, "好")
    assert "allowance80" in r.hgetall(f"{stack.prefix}:proactive:consent:rest:{sender}")
    jobs = r.zrange(f"{stack.prefix}:proactive:jobs", 0, -1)
    assert len([j for j in jobs if "allowance80:20300312:" in j]) == 1
    assert not any(make_id("19500312") in j for j in jobs)


def test_unsubscribe_reaches_the_same_resident_elsewhere_and_forget_clears_it_all(stack, fresh_phone, r):
    """Two conversations that booked with the same phone and agreed to reminders are one
    resident: 退订 in one stops the other; 把我的信息删掉 deletes profile and consent."""
    first, second = f"s-{uuid.uuid4().hex[:12]}", f"s-{uuid.uuid4().hex[:12]}"
    for sender in (first, second):
        assert "在预约前一天提醒您" in file_permit(stack, sender, fresh_phone)
        stack.say(sender, "好")
    assert "已为您退订" in joined(stack.say(first, "退订"))
    assert "optout" in r.hgetall(f"{stack.prefix}:proactive:consent:rest:{second}")
    assert r.hgetall(f"{stack.prefix}:profile:rest:{second}")  # opting out keeps the profile

    assert "已删除" in joined(stack.say(second, "把我的信息删掉"))
    for sender in (first, second):
        assert r.hgetall(f"{stack.prefix}:profile:rest:{sender}") == {}
        assert r.hgetall(f"{stack.prefix}:proactive:consent:rest:{sender}") == {}


def test_a_certification_due_date_the_resident_gives_replaces_a_year_after(stack, sender, fresh_phone, r):
    stack.say(sender, "帮我做社保认证，我的认证到明年三月到期")
    stack.say(sender, "我叫张秀英")
    stack.say(sender, make_id("19600312"))
    stack.say(sender, fresh_phone)
    stack.say(sender, "线上指导就行")
    offer = joined(stack.say(sender, "对"))
    case = only_case(stack, sender, "social_security_certification")
    # the stack runs on the real clock: 明年 is next year from today
    next_year = datetime.now(LOCAL_TZ).year + 1
    assert f"在社保待遇资格认证到期（{next_year}年3月）前提醒您" in offer
    jobs = f"{stack.prefix}:proactive:jobs"
    assert not [j for j in r.zrange(jobs, 0, -1) if case["case_number"] in j]  # not before 好
    stack.say(sender, "好")
    assert "pension_cert" in r.hgetall(f"{stack.prefix}:proactive:consent:rest:{sender}")
    [(job, score)] = [(j, s) for j, s in r.zrange(jobs, 0, -1, withscores=True)
                      if f"pension:{case['case_number']}" in j]
    # due from the first of the month the resident gave, not a year after today's filing
    expected = datetime(next_year, 3, 1, 9, 30, tzinfo=LOCAL_TZ).timestamp()
    assert abs(score / 1000 - expected) < 5
