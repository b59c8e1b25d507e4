"""Every process of the assistant serves Prometheus metrics at /metrics (README, Operations)."""
import asyncio
import os
import subprocess
import sys
import time

import pytest
import redis.asyncio as aioredis

from bot.embedded_redis import free_port, redis_argv
from bot.run import ROOT
from state.handoff import Handoff, HandoffQueue
from state.outbox import Outbox, Submission
from tests.metrics import scrape, value
from tests.stack import wait_for


@pytest.mark.slow
def test_each_service_of_the_running_assistant_serves_its_metrics(stack, sender, fresh_phone):
    stack.say(sender, "查一下我的办理进度")
    stack.say(sender, fresh_phone)  # the lookup by phone calls the back office
    port = lambda name: stack.child(name).spec.port  # noqa: E731

    rasa = scrape(f"{stack.rasa}/metrics")
    assert value(rasa, "assistant_turn_seconds_count", channel="rest", outcome="ok") >= 2
    assert value(rasa, "assistant_turn_seconds_bucket", channel="rest", le="+Inf") >= 2

    actions = scrape(f"http://127.0.0.1:{port('actions')}/metrics")
    assert value(actions, "assistant_action_seconds_count", action="action_query_case_status",
                 outcome="ok") >= 1
    assert value(actions, "assistant_backoffice_request_seconds_count",
                 operation="GET /api/v1/cases", outcome="ok") >= 1

    stack.cases(phone=fresh_phone)
    backoffice = scrape(f"{stack.backoffice}/metrics")
    assert value(backoffice, "backoffice_request_seconds_count", method="GET", outcome="ok") >= 2

    console = scrape(f"{stack.console}/metrics")
    assert value(console, "process_resident_memory_bytes") > 0


async def _queue_one_of_each(redis_url: str, prefix: str, waited_s: float) -> None:
    redis = aioredis.from_url(redis_url, decode_responses=True)
    try:
        await Outbox(redis, prefix).put(Submission("key-1", "property_repair", {}, "rest", "c1",
                                                   queued_at=time.time() - waited_s))
        await HandoffQueue(redis, prefix).add(Handoff("c2", "requested", "rest", None, {}, "",
                                                      requested_at=time.time() - waited_s))
    finally:
        await redis.close()


def test_outbox_worker_reports_both_queues(tmp_path):
    redis_port, metrics_port, closed_port = free_port(), free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    server = subprocess.Popen(redis_argv(redis_port, tmp_path / "redis", persist=False),
                              stdout=subprocess.DEVNULL)
    env = dict(os.environ, PYTHONPATH=str(ROOT), REDIS_URL=redis_url, REDIS_KEY_PREFIX="m",
               OUTBOX_METRICS_PORT=str(metrics_port), OUTBOX_RETRY_SECONDS="60",
               # No back office: the submission stays pending.
               BACKOFFICE_URL=f"http://127.0.0.1:{closed_port}")
    worker = None
    try:
        assert wait_for(lambda: _answers(redis_url), timeout_s=30, interval_s=0.1)
        asyncio.run(_queue_one_of_each(redis_url, "m", waited_s=120))
        worker = subprocess.Popen([sys.executable, "-m", "actions.outbox_worker"], cwd=ROOT,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{metrics_port}/metrics"
        samples = wait_for(lambda: _scrape_when(url, "assistant_handoff_waiting"), timeout_s=120)
        assert samples, "no queue metrics from the outbox worker"
        assert value(samples, "assistant_outbox_pending") == 1
        assert value(samples, "assistant_outbox_oldest_seconds") >= 120
        assert value(samples, "assistant_handoff_waiting") == 1
        assert value(samples, "assistant_handoff_oldest_wait_seconds") >= 120
        assert value(samples, "assistant_backoffice_request_seconds_count",
                     operation="POST /api/v1/cases", outcome="unavailable") >= 1
    finally:
        for proc in (worker, server):
            if proc:
                proc.terminate()
                proc.wait(timeout=30)


def _answers(redis_url: str) -> bool:
    import redis

    try:
        return redis.Redis.from_url(redis_url).ping()
    except redis.ConnectionError:
        return False


def _scrape_when(url: str, name: str) -> dict | None:
    """The samples once the worker has been through its loop (the gauge is set), else None."""
    try:
        samples = scrape(url)
    except Exception:
        return None
    filed = value(samples, "assistant_backoffice_request_seconds_count")
    return samples if value(samples, name) and filed else None
