"""Fault drills: break one part of the assistant while residents are talking to it.

    .venv/bin/python -m bench.fault_drills [--only kill_actions ...] [--concurrency 4]
                                           [--seconds 60] [--outage 60] [--slow 5]

Starts the assistant on free ports (as the tests do) with the back office behind
a loopback proxy that can hold each request (`tests/channels/wechat/slow_proxy.py`),
and a watchdog thread that does what `make run`'s supervisor loop does: restart a
process that died, with its back-off. For each drill the harness of `bench/load/`
plays --concurrency residents (REST and WeChat) for --seconds; after a warm-up the
fault is injected:

    kill_actions     kill -9 the action server (the watchdog restarts it)
    kill_rasa        kill -9 the Rasa server that serves (as under `make run`, a spare
                     standing by takes the port over; the killed one is restarted and
                     becomes the spare; --no-spare: no spare, the restart is waited for)
    restart_redis    stop the embedded Redis (SIGTERM: append-only file flushed) and
                     let the watchdog start it again from its AOF
    backoffice_down  stop the back office for --outage seconds (the watchdog holds it)
    backoffice_slow  the back office answers every request --slow seconds late, for
                     --outage seconds

Each drill starts once the spare, if any, stands by with its model loaded.
One row per drill: messages lost (answered, then missing from the tracker), turns
the residents had to retry, conversations given up, cases expected/found, confirmed
cases lost, duplicate cases, time to recover: from the end of the fault until a
probe turn is answered again and the outbox holds no pending submission, and the
longest turn: a resident's message until its answer, failed attempts included.
"""
from __future__ import annotations

import argparse
import asyncio
import math
import os
import signal
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

import httpx

from bench.load.check import Check, check, outbox_pending
from bench.load.residents import Residents, RunStats, Target
from bench.load.stack import LOAD_ENV, target_for, wechat_setup, wechat_simulator
from bot.supervisor import Supervisor
from tests.channels.wechat.slow_proxy import SlowProxy
from tests.stack import Stack, start_stack, wait_for


class Watchdog:
    """`make run`'s restart loop in a thread, with a way to hold one process down."""

    def __init__(self, supervisor: Supervisor, poll_s: float = 0.5) -> None:
        self.supervisor, self.poll_s = supervisor, poll_s
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._held: dict[str, object] = {}
        self._thread = threading.Thread(target=self._loop, daemon=True, name="watchdog")

    def start(self) -> "Watchdog":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                self.supervisor.check_once()
            self._stop.wait(self.poll_s)

    def hold(self, name: str) -> None:
        """Stop a process and keep it stopped (an outage) until `release`."""
        with self._lock:
            child = next(c for c in self.supervisor.children if c.spec.name == name)
            self.supervisor.children.remove(child)
        child.proc.terminate()
        child.proc.wait(timeout=30)
        self._held[name] = child

    def release(self, name: str) -> None:
        child = self._held.pop(name)
        self.supervisor._spawn(child)
        self.supervisor.wait_ready(child)
        with self._lock:
            self.supervisor.children.append(child)


def kill(stack: Stack, name: str, sig: int = signal.SIGKILL) -> None:
    proc = stack.child(name).proc
    os.killpg(proc.pid, sig)


@dataclass
class Lab:
    """A running assistant with the pieces the drills use."""
    stack: Stack
    target: Target
    watchdog: Watchdog
    proxy: SlowProxy
    outage_s: float = 60.0
    slow_s: float = 5.0

    def wait_whole(self, timeout_s: float = 600.0) -> None:
        """Until a spare Rasa server stands by (where the lab has one)."""
        if self.stack.layout.rasa_spare and not wait_for(self.stack.rasa_standing_by, timeout_s):
            raise TimeoutError("no spare Rasa server stood by")


async def kill_actions(lab: Lab) -> None:
    kill(lab.stack, "actions")


async def kill_rasa(lab: Lab) -> None:
    kill(lab.stack, lab.stack.rasa_serving())


async def restart_redis(lab: Lab) -> None:
    kill(lab.stack, "redis", signal.SIGTERM)


async def backoffice_down(lab: Lab) -> None:
    await asyncio.to_thread(lab.watchdog.hold, "backoffice")
    await asyncio.sleep(lab.outage_s)
    await asyncio.to_thread(lab.watchdog.release, "backoffice")


async def backoffice_slow(lab: Lab) -> None:
    lab.proxy.delay_s = lab.slow_s
    await asyncio.sleep(lab.outage_s)
    lab.proxy.delay_s = 0.0


DRILLS: dict[str, Callable[[Lab], Awaitable[None]]] = {
    "kill_actions": kill_actions, "kill_rasa": kill_rasa, "restart_redis": restart_redis,
    "backoffice_down": backoffice_down, "backoffice_slow": backoffice_slow,
}


async def time_to_recover(target: Target, since: float, limit_s: float = 600.0) -> float:
    """Seconds from `since` until a probe turn is answered and the outbox is empty
    (infinite when that did not happen within `limit_s`)."""
    sender = f"probe-{int(since * 1000) % 10**9}"
    async with httpx.AsyncClient(timeout=10) as client:
        while time.perf_counter() - since < limit_s:
            try:
                response = await client.post(f"{target.rasa}/webhooks/rest/webhook",
                                             json={"sender": sender, "message": "你好"})
                answered = response.status_code == 200 and response.json()
                if answered and await outbox_pending(target) == 0:
                    return time.perf_counter() - since
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    return math.inf


@dataclass
class Row:
    drill: str
    stats: RunStats
    check: Check
    recover_s: float

    @property
    def recovered(self) -> bool:
        return math.isfinite(self.recover_s)

    def line(self) -> str:
        c, s = self.check, self.stats
        return (f"{self.drill:16} | {c.messages_lost:13} | {s.failed_attempts:15} | "
                f"{c.gave_up:8} | {c.cases_expected:3}/{c.cases_found:<3} | "
                f"{c.confirmed:9} | {c.confirmed_lost:14} | {c.duplicates:10} | "
                f"{self.recover_s:8.1f} s | {s.longest_turn_s:8.1f} s")


def summary(name: str, rows: list[Row]) -> str:
    """Totals of what was lost or doubled, and the median time to recover."""
    total = lambda field: sum(getattr(r.check, field) for r in rows)  # noqa: E731
    recover = statistics.median(r.recover_s for r in rows)
    longest = statistics.median(r.stats.longest_turn_s for r in rows)
    return (f"{name:16} | messages lost {total('messages_lost')} | confirmed "
            f"{total('confirmed')}, lost {total('confirmed_lost')} | duplicates "
            f"{total('duplicates')} | gave up {total('gave_up')} | recover median {recover:.1f} s "
            f"(runs: {', '.join(f'{r.recover_s:.1f}' for r in rows)}) | longest turn median "
            f"{longest:.1f} s (runs: {', '.join(f'{r.stats.longest_turn_s:.1f}' for r in rows)})")


HEADER = ("drill            | messages lost | failed attempts | gave up  | exp/found | "
          "confirmed | confirmed lost | duplicates | recover    | longest turn")


async def run_drill(lab: Lab, name: str, concurrency: int, seconds: float,
                    warmup_s: float, wait_whole: bool = True) -> Row:
    """One drill under load; first, unless `wait_whole` is False, until the spare (if
    any) stands by, so that its loading neither takes the residents' CPU nor is missing
    when the drill kills the server that serves."""
    if wait_whole:
        await asyncio.to_thread(lab.wait_whole)
    residents = Residents(lab.target, concurrency, seconds, retry_for_s=300)
    load = asyncio.create_task(residents.run())
    await asyncio.sleep(warmup_s)
    await DRILLS[name](lab)
    fault_end = time.perf_counter()
    recover_s = await time_to_recover(lab.target, fault_end)
    stats = await load
    return Row(name, stats, await check(lab.target, stats), recover_s)


def start_lab(tmp: Path, outage_s: float = 60.0, slow_s: float = 5.0,
              wechat: bool = True, rasa_spare: bool = True) -> tuple[Lab, Callable[[], None]]:
    """The assistant for drills, with a spare Rasa server as `make run` starts it (unless
    `rasa_spare` is False); returns it and a function that stops everything."""
    proxy = SlowProxy().start()
    # While the back office is down the proxy's upstream call fails; the action server
    # sees a dropped connection (as from a dead host). No traceback per request.
    proxy._server.handle_error = lambda request, address: None
    env, api = wechat_setup() if wechat else ({}, None)
    env = {**env, **LOAD_ENV, "BACKOFFICE_URL": proxy.url,
           # a 5 s back office: the action gives up after 3 s, the outbox files it later
           "BACKOFFICE_TIMEOUT_SECONDS": "3"}
    stack = start_stack(tmp, extra_env=env, rasa_spare=rasa_spare)
    proxy.target = stack.backoffice
    sim = (wechat_simulator(stack.rasa), api) if wechat else None
    lab = Lab(stack, target_for(stack, sim), Watchdog(stack.supervisor).start(), proxy,
              outage_s, slow_s)

    def stop() -> None:
        lab.watchdog.stop()
        stack.supervisor.stop_all()
        proxy.stop()
        if api:
            api.stop()

    return lab, stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(DRILLS), default=list(DRILLS))
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument("--outage", type=float, default=60.0)
    parser.add_argument("--slow", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=1, help="run each drill this many times")
    parser.add_argument("--no-spare", action="store_true",
                        help="one Rasa server, no spare standing by (RASA_SPARE=0)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drills-") as tmp:
        lab, stop = start_lab(Path(tmp), args.outage, args.slow, rasa_spare=not args.no_spare)
        try:
            print(f"load average before: {os.getloadavg()} on {os.cpu_count()} CPUs; "
                  f"{args.concurrency} residents, {args.seconds:.0f} s of load per drill; "
                  f"{'no spare' if args.no_spare else 'a spare'} Rasa server", flush=True)
            print(HEADER, flush=True)
            rows: dict[str, list[Row]] = {name: [] for name in args.only}
            for _ in range(args.runs):
                for name in args.only:
                    row = asyncio.run(run_drill(lab, name, args.concurrency, args.seconds, args.warmup))
                    rows[name].append(row)
                    print(row.line(), flush=True)
                    if row.check.duplicated:
                        print(f"  a second case in: {', '.join(row.check.duplicated)}", flush=True)
            if args.runs > 1:
                print(f"over {args.runs} runs of each drill:")
                for name, done in rows.items():
                    print(summary(name, done), flush=True)
            print(f"restarts by the watchdog: "
                  f"{ {c.spec.name: c.history for c in lab.stack.supervisor.children if c.history} }")
            print(f"load average after: {os.getloadavg()}", flush=True)
        finally:
            stop()


if __name__ == "__main__":
    main()
