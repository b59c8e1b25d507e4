"""A campaign to 10,000 residents: time to schedule it, send rate against the WeChat
stand-in, and that every resident gets exactly one message.

    .venv/bin/python -m bench.campaign [--residents 10000] [--schedulers 2]

Starts an embedded Redis, the WeChat API stand-in and N scheduler processes
(`python -m proactive`, as `make run` does) on the assistant's clock pinned to a
weekday morning, seeds the residents (consent to notices, a WeChat contact inside
48 hours, a building), then schedules the campaign through `proactive.campaigns`
as the console does, and waits until the stand-in has seen every message.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import redis.asyncio as aioredis
from arq.connections import ArqRedis

from bot.embedded_redis import free_port, redis_argv
from bot.supervisor import ProcessSpec, Supervisor
from proactive.campaigns import Campaigns
from proactive.clock import Clock
from proactive.queue import ReminderQueue
from state.audience import AudienceIndex, Member, Target
from state.reminders import ProactiveState
from tests.channels.wechat.fake_wechat_api import FakeWeChatApi
from tests.proactive.conftest import APP_ID, DAYTIME, ROOT, SECRET, TEMPLATE_ID


def start(tmp: Path, wechat: FakeWeChatApi, schedulers: int) -> tuple[Supervisor, str, str]:
    port = free_port()
    redis_url, prefix = f"redis://127.0.0.1:{port}/0", f"b{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), REDIS_URL=redis_url, REDIS_KEY_PREFIX=prefix,
               WECHAT_APP_ID=APP_ID, WECHAT_APP_SECRET=SECRET, WECHAT_API_BASE=wechat.base,
               WECHAT_TEMPLATE_ID=TEMPLATE_ID, ASSISTANT_CLOCK_START=DAYTIME,
               PROACTIVE_POLL_SECONDS="0.1", PROACTIVE_WEEKLY_CAP="3",
               BACKOFFICE_URL=f"http://127.0.0.1:{free_port()}")
    specs = [ProcessSpec("redis", redis_argv(port, tmp / "redis", persist=False), env, port)]
    specs += [ProcessSpec(f"scheduler{i}", [sys.executable, "-m", "proactive"], env)
              for i in range(schedulers)]
    supervisor = Supervisor(specs, tmp / "log")
    supervisor.start_all()
    return supervisor, redis_url, prefix


async def seed(client: aioredis.Redis, prefix: str, residents: int) -> list[str]:
    openids = [f"o{uuid.uuid4().hex[:27]}" for _ in range(residents)]
    members = [Member("wechat", o, ["elderly_home_service"], "幸福小区", str(1 + i % 20), 1940 + i % 40)
               for i, o in enumerate(openids)]
    await AudienceIndex(client, prefix).add_many(members)
    now = f"{time.time():.0f}"
    for start in range(0, residents, 1000):
        async with client.pipeline(transaction=False) as pipe:
            for o in openids[start:start + 1000]:
                pipe.hset(f"{prefix}:proactive:consent:wechat:{o}", "campaign", now)
                pipe.set(f"{prefix}:wechat:last_seen:{o}", now, ex=48 * 3600)
            await pipe.execute()
    return openids


async def run(residents: int, schedulers: int, wechat: FakeWeChatApi, redis_url: str,
              prefix: str) -> dict[str, float]:
    client = aioredis.from_url(redis_url, decode_responses=True)
    pool = ArqRedis.from_url(redis_url)
    clock = Clock(DAYTIME)
    queue = ReminderQueue(pool, prefix, f"{prefix}:proactive:jobs", clock)
    state = ProactiveState(client, prefix)
    campaigns = Campaigns(client, prefix, AudienceIndex(client, prefix), state, queue)
    openids = await seed(client, prefix, residents)
    t0 = time.perf_counter()
    preview = await campaigns.preview(Target(service="elderly_home_service"))
    preview_s = time.perf_counter() - t0
    # Due a minute on, after scheduling has ended, so the two are timed apart.
    send_at = clock.now() + timedelta(seconds=60)
    t0, t_sched_start = time.perf_counter(), time.time()
    campaign = await campaigns.create("助浴服务", "本周六起可预约上门助浴。", Target(service="elderly_home_service"),
                                      send_at, "bench")
    schedule_s = time.perf_counter() - t0
    deadline = time.time() + 1800
    while len(wechat.sent) < residents and time.time() < deadline:
        await asyncio.sleep(0.5)
    while await queue.waiting() and time.time() < deadline:
        await asyncio.sleep(0.5)
    counts = Counter(s.touser for s in wechat.sent)
    times = sorted(s.at for s in wechat.sent)
    outcomes = await state.campaign_counts(campaign.campaign_id)
    await pool.close()
    await client.close()
    return {"residents": residents, "schedulers": schedulers, "preview_reachable": preview["reachable"],
            "preview_s": preview_s, "schedule_s": schedule_s, "queued": campaign.recipients,
            "first_send_late_s": times[0] - (t_sched_start + 60) if times else float("nan"),
            "send_span_s": times[-1] - times[0] if times else float("nan"),
            "send_rate": (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0,
            "messages": len(wechat.sent), "exactly_one": sum(1 for o in openids if counts[o] == 1),
            "duplicates": sum(1 for o in openids if counts[o] > 1),
            "missing": sum(1 for o in openids if counts[o] == 0), "recorded_sent": outcomes.get("sent", 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--schedulers", type=int, default=2)
    args = parser.parse_args()
    wechat = FakeWeChatApi(APP_ID, SECRET).start()
    with tempfile.TemporaryDirectory() as tmp:
        supervisor, redis_url, prefix = start(Path(tmp), wechat, args.schedulers)
        try:
            r = asyncio.run(run(args.residents, args.schedulers, wechat, redis_url, prefix))
        finally:
            supervisor.stop_all()
            wechat.stop()
    print(f"campaign to {r['residents']} residents, {r['schedulers']} scheduler processes")
    print(f"  preview (counts only): {r['preview_reachable']} reachable in {r['preview_s']:.2f} s")
    print(f"  time to schedule:      {r['schedule_s']:.2f} s for {r['queued']} jobs "
          f"({r['queued'] / r['schedule_s']:.0f} jobs/s)")
    print(f"  first message:         {r['first_send_late_s']:.2f} s after it was due")
    print(f"  send rate:             {r['send_rate']:.0f} messages/s over {r['send_span_s']:.1f} s")
    print(f"  messages at stand-in:  {r['messages']}; exactly one: {r['exactly_one']}, "
          f"duplicates: {r['duplicates']}, missing: {r['missing']}; recorded sent: {r['recorded_sent']}")


if __name__ == "__main__":
    main()
