"""A confirmed submission survives a back office outage and is filed once."""
import asyncio

import pytest
import redis

from tests.stack import wait_for

pytestmark = pytest.mark.slow


def test_submission_during_outage_arrives_once_back(stack, sender, fresh_phone):
    stack.say(sender, f"3号楼1单元101楼道灯不亮了，电话{fresh_phone}，明天上午来修")
    stack.stop("backoffice")
    try:
        reply = "\n".join(stack.say(sender, "对"))
        assert "记录" in reply and "不需要您再说一遍" in reply
        pending = redis.Redis.from_url(stack.redis_url).hlen(f"{stack.prefix}:outbox:pending")
        assert pending >= 1
    finally:
        stack.start("backoffice")
    cases = wait_for(lambda: stack.cases(phone=fresh_phone), timeout_s=40)
    assert len(cases) == 1
    assert cases[0]["fields"]["repair_category"] == "public_facility"
    # The worker keeps retrying nothing more: still exactly one case later on.
    assert wait_for(lambda: redis.Redis.from_url(stack.redis_url).hlen(
        f"{stack.prefix}:outbox:pending") == 0, timeout_s=20)
    assert len(stack.cases(phone=fresh_phone)) == 1


def test_replayed_confirmation_is_not_filed_twice(stack, sender, fresh_phone):
    """The same submission retried (worker and action racing) gives one case."""
    from actions.services.backoffice import BackofficeClient
    from actions.services.filing import file_submission, retry_submission
    from state.outbox import Outbox, Submission
    import redis.asyncio as aioredis
    from tests.stack import BACKOFFICE_TOKEN

    async def scenario():
        client = BackofficeClient(stack.backoffice, BACKOFFICE_TOKEN)
        outbox = Outbox(aioredis.from_url(stack.redis_url, decode_responses=True), stack.prefix)
        submission = Submission("replay-" + sender, "property_repair",
                                {"address": "1号楼1单元101", "repair_category": "water",
                                 "description": "漏水", "phone": fresh_phone}, "rest", sender)
        results = await asyncio.gather(*[retry_submission(outbox, client, submission) for _ in range(5)],
                                       file_submission(outbox, client, submission))
        await client.aclose()
        return {r.case_number for r in results}

    numbers = asyncio.run(scenario())
    assert len(numbers) == 1 and None not in numbers
    assert len(stack.cases(phone=fresh_phone)) == 1
