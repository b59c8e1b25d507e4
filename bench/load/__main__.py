"""Load harness: many simulated residents at once over the REST channel and the
WeChat webhook, each playing whole service conversations.

    .venv/bin/python -m bench.load [--concurrency 4 8] [--seconds 60] [--runs 3]
                                   [--wechat-share 0.25] [--rasa URL --backoffice URL]

Every resident plays the scenarios of `bench/resident_sim.py` (its `Progress`
answer logic: read `requested_slot` from the tracker, answer from the profile),
one conversation after another, over REST or, for a share of them, the WeChat
webhook (signed, safe/AES mode, WeChat's API played by the tests' stand-in).
A turn that fails (connection refused, 5xx, timeout) is retried by the resident
after a pause, as a person would, for up to --retry-for seconds.

Per run it prints: turns sent, replies received, failed attempts, conversations,
cases expected (scenarios that file) vs. found in the back office by
conversation_id, confirmed cases (the assistant said 受理编号 / 已经记录下来了 /
已登记紧急求助) missing from the back office, duplicate cases, messages
acknowledged but missing from the conversation's tracker, latency p50/p95/p99 per
turn, and sustained turns per second inside the measured window.

Without --rasa it starts its own assistant on free ports (as the tests do) with
the per-sender rate limit raised to 600/min and the per-IP limit off: one
machine plays every resident from 127.0.0.1, far faster than residents type.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import tempfile
from pathlib import Path

from bench.load.check import check
from bench.load.figures import Figures, describe, figures
from bench.load.residents import Residents, Target
from bench.load.stack import LOAD_ENV, target_for, wechat_setup, wechat_simulator
from tests.stack import start_stack


async def measure(target: Target, concurrency: int, seconds: float, wechat_share: float) -> Figures:
    residents = Residents(target, concurrency, seconds, wechat_share)
    stats = await residents.run()
    return figures(concurrency, stats, await check(target, stats))


def sweep(target: Target, levels: list[int], seconds: float, runs: int, share: float) -> None:
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} CPUs", flush=True)
    asyncio.run(measure(target, 2, 10, share))  # warm-up: first turns load caches
    for level in levels:
        results = [asyncio.run(measure(target, level, seconds, share)) for _ in range(runs)]
        for f in results:
            print("  run " + describe(f), flush=True)
        print(f"MEDIAN concurrency {level}: {statistics.median(r.turns_per_s for r in results):.2f} "
              f"turns/s, p50 {statistics.median(r.p50_ms for r in results):.0f} ms, p95 "
              f"{statistics.median(r.p95_ms for r in results):.0f} ms, p99 "
              f"{statistics.median(r.p99_ms for r in results):.0f} ms, REST alone p95 "
              f"{statistics.median(r.rest_p95_ms for r in results):.0f} ms "
              f"(load average now {os.getloadavg()[0]:.1f})", flush=True)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(prog="python -m bench.load",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--wechat-share", type=float, default=0.25)
    parser.add_argument("--rasa")
    parser.add_argument("--backoffice")
    args = parser.parse_args()
    if args.rasa:
        sweep(Target(args.rasa, args.backoffice), args.concurrency, args.seconds, args.runs, 0.0)
        return
    env, api = wechat_setup()
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        stack = start_stack(Path(tmp), extra_env={**env, **LOAD_ENV})
        try:
            target = target_for(stack, (wechat_simulator(stack.rasa), api))
            sweep(target, args.concurrency, args.seconds, args.runs, args.wechat_share)
        finally:
            stack.supervisor.stop_all()
            api.stop()


if __name__ == "__main__":
    main()
