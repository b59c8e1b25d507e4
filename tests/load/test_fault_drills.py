"""Short forms of the fault drills (the long ones: `python -m bench.fault_drills`).

A few residents play whole service conversations (REST and WeChat) while one part
of the assistant is broken; a resident whose turn fails tries again, as a person
would. What must hold: every case the assistant confirmed is in the back office,
no conversation has a second case, no answered message is missing from its
conversation, and the assistant answers again afterwards. How soon it does is a
figure of the machine, measured by the long drills, not asserted here.
"""
from __future__ import annotations

import asyncio
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from rasa.core.lock_store import RedisLockStore

from bench.fault_drills import Lab, Row, kill, run_drill
from bench.load.check import outbox_pending, wait_outbox_empty
from bot.settings import RedisParams
from tests.load.conftest import OUTAGE_S
from tests.stack import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

RESIDENTS = 3


def drill(lab: Lab, name: str, seconds: float = 20.0, warmup_s: float = 6.0) -> Row:
    # Only the drills that kill a Rasa server wait for the spare (lab.wait_whole): the
    # others hold whether it is still loading or not, and need not wait its 30-60 s.
    return asyncio.run(run_drill(lab, name, RESIDENTS, seconds, warmup_s, wait_whole=False))


def assert_nothing_lost(row: Row) -> None:
    c = row.check
    print(row.line())  # counts only: no resident's data
    assert c.confirmed > 0, "no case was confirmed during the drill: it proved nothing"
    assert c.confirmed_lost == 0
    assert c.duplicates == 0
    assert c.messages_lost == 0
    assert c.gave_up == 0
    assert c.outbox_left == 0
    assert row.recovered, "the assistant did not answer again with the outbox empty"


def restarted_without_loss(lab: Lab, child: str, name: str, how_it_ended: str) -> Row:
    """Run the drill; nothing lost, and the watchdog restarted `child` once, after `how_it_ended`."""
    restarts = len(lab.stack.child(child).history)
    row = drill(lab, name)
    assert_nothing_lost(row)
    assert lab.stack.child(child).history[restarts:] == [how_it_ended]
    return row


def test_kill_action_server(lab: Lab) -> None:
    restarted_without_loss(lab, "actions", "kill_actions", "killed by signal SIGKILL")


def lock_store(lab: Lab) -> RedisLockStore:
    """The conversation locks of the lab's Rasa servers."""
    params = RedisParams.from_url(lab.stack.redis_url)
    return RedisLockStore(host=params.host, port=params.port, db=params.db,
                          key_prefix=f"{lab.stack.prefix}lock")


def test_kill_rasa_server(lab: Lab) -> None:
    lab.wait_whole()
    serving, spare = lab.stack.rasa_serving(), lab.stack.rasa_standing_by()
    spare_pid = lab.stack.child(spare).proc.pid
    # a turn that dies with the server leaves its ticket, here one of ten minutes
    locks, dead_turn = lock_store(lab), f"drill-{uuid.uuid4().hex[:8]}"
    locks.issue_ticket(dead_turn, lock_lifetime=600)
    restarted_without_loss(lab, serving, "kill_rasa", "killed by signal SIGKILL")
    # the spare, standing by with its model loaded, took the port over, dropping the
    # dead server's locks; the killed server was restarted beside it
    assert lab.stack.rasa_serving() == spare
    assert lab.stack.child(spare).proc.pid == spare_pid
    assert locks.get_lock(dead_turn) is None


def say_until_answered(lab: Lab, sender: str, text: str, timeout_s: float = 120) -> list[str]:
    """As a resident whose message went unanswered: say it again until answered."""
    def attempt() -> list[str] | None:
        try:
            return lab.stack.say(sender, text) or None
        except httpx.HTTPError:
            return None
    return wait_for(attempt, timeout_s, interval_s=1.0)


def test_an_emergency_said_again_after_its_turn_died_is_one_case(lab: Lab) -> None:
    """The server dies after the emergency was filed but before its turn was saved; the
    resident says it again to the server that takes over, and still has one case."""
    lab.wait_whole()
    sender, text = f"drill-{uuid.uuid4().hex[:8]}", "我妈在3号楼2单元502摔倒了起不来"
    serving = lab.stack.rasa_serving()
    held = lab.proxy.held
    with ThreadPoolExecutor(1) as pool, lab.proxy.holding():
        dying = pool.submit(lab.stack.say, sender, text)
        # the action's filing waits at the back office's door: the case is on its way
        # (kill before the action gives up on it, BACKOFFICE_TIMEOUT_SECONDS=3, and the
        # turn goes on to be saved)
        filing = lambda: (lab.proxy.held > held  # noqa: E731
                          and asyncio.run(outbox_pending(lab.target)) > 0)
        assert wait_for(filing, 60, interval_s=0.05), "the emergency was never filed"
        kill(lab.stack, serving)
        with pytest.raises(httpx.HTTPError):
            dying.result(timeout=60)
    replies = say_until_answered(lab, sender, text)
    assert replies and any("已登记紧急求助" in r for r in replies), replies
    asyncio.run(wait_outbox_empty(lab.target))
    assert len(lab.stack.cases(conversation_id=sender)) == 1


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")),
                    reason="the drill restarts the embedded Redis; REDIS_URL names another")
def test_restart_redis(lab: Lab) -> None:
    # SIGTERM: Redis flushed its append-only file, exited cleanly and was started from it
    restarted_without_loss(lab, "redis", "restart_redis", "exited with code 0")


def test_back_office_outage(lab: Lab) -> None:
    row = drill(lab, "backoffice_down", seconds=OUTAGE_S + 10)
    assert_nothing_lost(row)
    # residents were told their case is recorded; the outbox filed it once it was back
    assert row.check.queued > 0
    assert row.check.cases_found >= row.check.confirmed
