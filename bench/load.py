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
import base64
import itertools
import logging
import os
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis.asyncio as aioredis

from bench.common import percentile
from bench.resident_sim import MAX_TURNS, SCENARIOS, CannotAnswer, Progress, Scenario
from tests.stack import BACKOFFICE_TOKEN, Stack, start_stack

logger = logging.getLogger(__name__)

CONFIRMED = ("受理编号是", "已经记录下来了", "已登记紧急求助")
# Activities have a fixed number of places: a load run would fill them and change
# every later sign-up conversation, so those scenarios are left to resident_sim.
LOAD_SCENARIOS = [s for s in SCENARIOS if s.service != "activity_signup"]
LOAD_ENV = {"RATE_LIMIT_PER_SENDER": "600", "RATE_LIMIT_PER_IP": "0"}


class TurnFailed(Exception):
    """A turn the resident gave up on after retrying."""


@dataclass
class Conversation:
    sender: str
    channel: str
    scenario: Scenario
    acked: list[str] = field(default_factory=list)  # messages the assistant answered
    confirmed: bool = False
    queued: bool = False   # told 已经记录下来了: the back office was not reachable
    gave_up: str = ""


@dataclass
class RunStats:
    started: float
    window_end: float
    latencies: list[float] = field(default_factory=list)
    rest_latencies: list[float] = field(default_factory=list)  # the REST channel's alone
    turn_times: list[float] = field(default_factory=list)  # when each answered turn ended
    turns_sent: int = 0
    replies: int = 0
    failed_attempts: int = 0
    conversations: list[Conversation] = field(default_factory=list)


@dataclass
class Target:
    """Where the residents talk to: Rasa (REST, tracker), back office, optional WeChat."""
    rasa: str
    backoffice: str
    wechat: object | None = None      # tests.channels.wechat.simulator.WeChatSimulator
    wechat_api: object | None = None  # FakeWeChatApi: receives the late (async) replies
    redis_url: str | None = None
    prefix: str = "sq"


class Residents:
    """Plays `concurrency` residents until `seconds` have passed."""

    def __init__(self, target: Target, concurrency: int, seconds: float, wechat_share: float = 0.25,
                 retry_for_s: float = 240.0, scenarios: list[Scenario] | None = None) -> None:
        self.t, self.concurrency, self.seconds = target, concurrency, seconds
        self.wechat_share = wechat_share if target.wechat else 0.0
        self.retry_for_s = retry_for_s
        self.scenarios = scenarios or LOAD_SCENARIOS
        self._picks = itertools.count()
        self.stats: RunStats | None = None

    async def run(self) -> RunStats:
        now = time.perf_counter()
        self.stats = RunStats(now, now + self.seconds)
        limits = httpx.Limits(max_connections=self.concurrency * 2 + 4)
        async with httpx.AsyncClient(timeout=60, limits=limits) as client:
            await asyncio.gather(*(self._worker(client) for _ in range(self.concurrency)))
        return self.stats

    async def _worker(self, client: httpx.AsyncClient) -> None:
        while time.perf_counter() < self.stats.window_end:
            n = next(self._picks)
            sc = self.scenarios[n % len(self.scenarios)]
            # every 1/share-th conversation goes over WeChat, evenly spread
            wechat = int((n + 1) * self.wechat_share) > int(n * self.wechat_share)
            conv = Conversation(_new_sender(bool(wechat)), "wechat" if wechat else "rest", sc)
            self.stats.conversations.append(conv)
            try:
                await self._play(client, conv)
            except TurnFailed as err:
                conv.gave_up = str(err)

    async def _play(self, client: httpx.AsyncClient, conv: Conversation) -> None:
        await self._turn(client, conv, conv.scenario.opening)
        progress = Progress.start(conv.scenario)
        for _ in range(MAX_TURNS):
            try:
                text = progress.next_text(await self._tracker(client, conv.sender))
            except CannotAnswer as err:
                conv.gave_up = str(err)
                return
            if text is None:
                return
            await self._turn(client, conv, text)

    async def _turn(self, client: httpx.AsyncClient, conv: Conversation, text: str) -> None:
        """One resident message, retried until answered or the resident gives up."""
        deadline = time.perf_counter() + self.retry_for_s
        while True:
            self.stats.turns_sent += 1
            start = time.perf_counter()
            try:
                replies = await self._send(client, conv, text)
            except (httpx.HTTPError, asyncio.TimeoutError) as err:
                replies, failure = [], type(err).__name__
            else:
                # Every turn of this assistant answers something: silence means a part
                # behind Rasa failed (e.g. the action server), and a person says it again.
                failure = "" if replies else "no reply"
            if failure:
                self.stats.failed_attempts += 1
                if time.perf_counter() > deadline:
                    raise TurnFailed(f"{failure} on {text[:6]}")
                await asyncio.sleep(1.0 + random.random())
                continue
            end = time.perf_counter()
            self.stats.latencies.append(end - start)
            if conv.channel == "rest":
                self.stats.rest_latencies.append(end - start)
            self.stats.turn_times.append(end)
            self.stats.replies += len(replies)
            conv.acked.append(text)
            conv.confirmed = conv.confirmed or any(m in r for r in replies for m in CONFIRMED)
            conv.queued = conv.queued or any(CONFIRMED[1] in r for r in replies)
            return

    async def _send(self, client: httpx.AsyncClient, conv: Conversation, text: str) -> list[str]:
        if conv.channel == "wechat":
            return await self._send_wechat(client, conv, text)
        response = await client.post(f"{self.t.rasa}/webhooks/rest/webhook",
                                     json={"sender": conv.sender, "message": text})
        response.raise_for_status()
        return [m.get("text", "") for m in response.json()]

    async def _send_wechat(self, client: httpx.AsyncClient, conv: Conversation, text: str) -> list[str]:
        from tests.channels.wechat.simulator import text_xml

        before = len(self.t.wechat_api.sent_to(conv.sender))
        answer = await self.t.wechat.send_async(client, text_xml(conv.sender, text), "safe")
        if answer.status >= 400:
            raise httpx.HTTPStatusError(f"WeChat webhook {answer.status}", request=None, response=None)
        if answer.content is not None:
            return [answer.content]
        # Past the 4 s budget the reply follows as a customer-service message.
        for _ in range(240):
            late = self.t.wechat_api.sent_to(conv.sender)[before:]
            if late:
                return [s.text for s in late]
            await asyncio.sleep(0.25)
        raise httpx.ReadTimeout("no customer-service message within 60 s")

    async def _tracker(self, client: httpx.AsyncClient, sender: str) -> dict:
        deadline = time.perf_counter() + self.retry_for_s
        while True:
            try:
                response = await client.get(f"{self.t.rasa}/conversations/{sender}/tracker")
                response.raise_for_status()
                return response.json()
            except httpx.HTTPError as err:
                if time.perf_counter() > deadline:
                    raise TurnFailed(f"tracker: {type(err).__name__}") from err
                await asyncio.sleep(1.0 + random.random())


def _new_sender(wechat: bool) -> str:
    if wechat:
        from tests.channels.wechat.simulator import random_openid

        return random_openid()
    return f"load-{uuid.uuid4().hex[:12]}"


@dataclass
class Check:
    conversations: int = 0
    gave_up: int = 0
    cases_expected: int = 0
    cases_found: int = 0
    confirmed: int = 0
    queued: int = 0
    confirmed_lost: int = 0
    duplicates: int = 0
    messages_lost: int = 0
    outbox_left: int = 0


async def outbox_pending(target: Target) -> int:
    if not target.redis_url:
        return 0
    client = aioredis.from_url(target.redis_url)
    try:
        return await client.hlen(f"{target.prefix}:outbox:pending")
    except Exception:
        return -1
    finally:
        await client.close()


async def wait_outbox_empty(target: Target, timeout_s: float = 180.0) -> float:
    """Seconds until no submission is pending (the outbox worker filed them all)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout_s:
        if await outbox_pending(target) == 0:
            break
        await asyncio.sleep(0.5)
    return time.perf_counter() - start


async def check(target: Target, stats: RunStats) -> Check:
    """Compare what residents were told with the back office and the trackers."""
    await wait_outbox_empty(target)
    result = Check(outbox_left=await outbox_pending(target))
    headers = {"Authorization": f"Bearer {BACKOFFICE_TOKEN}"}
    async with httpx.AsyncClient(timeout=60, headers=headers) as client:
        sem = asyncio.Semaphore(8)

        async def one(conv: Conversation) -> None:
            async with sem:
                await _check_one(client, target, conv, result)

        await asyncio.gather(*(one(c) for c in stats.conversations))
    return result


async def _check_one(client: httpx.AsyncClient, target: Target, conv: Conversation,
                     result: Check) -> None:
    cases = (await client.get(f"{target.backoffice}/api/v1/cases",
                              params={"conversation_id": conv.sender})).json()
    cases = cases.get("cases", cases) if isinstance(cases, dict) else cases
    tracker = (await client.get(f"{target.rasa}/conversations/{conv.sender}/tracker")).json()
    said = [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]
    result.conversations += 1
    result.gave_up += bool(conv.gave_up)
    result.cases_expected += conv.scenario.files
    result.cases_found += len(cases)
    result.confirmed += conv.confirmed
    result.queued += conv.queued
    result.confirmed_lost += conv.confirmed and not cases
    result.duplicates += max(0, len(cases) - 1)
    result.messages_lost += len(conv.acked) - _matched_in_order(conv.acked, said)


def _matched_in_order(acked: list[str], said: list[str]) -> int:
    """How many acknowledged messages appear, in order, among the tracker's user turns."""
    i = matched = 0
    for text in acked:
        while i < len(said) and said[i] != text:
            i += 1
        if i < len(said):
            matched, i = matched + 1, i + 1
    return matched


@dataclass
class Figures:
    concurrency: int
    turns_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rest_p95_ms: float
    stats: RunStats
    check: Check


def figures(concurrency: int, stats: RunStats, result: Check) -> Figures:
    in_window = sum(1 for t in stats.turn_times if t <= stats.window_end)
    ms = [s * 1000 for s in stats.latencies] or [float("nan")]
    rest_ms = [s * 1000 for s in stats.rest_latencies] or [float("nan")]
    return Figures(concurrency, in_window / (stats.window_end - stats.started),
                   statistics.median(ms), percentile(ms, 95), percentile(ms, 99),
                   percentile(rest_ms, 95), stats, result)


def describe(f: Figures) -> str:
    s, c = f.stats, f.check
    return (f"concurrency {f.concurrency}: {f.turns_per_s:.2f} turns/s, p50 {f.p50_ms:.0f} ms, "
            f"p95 {f.p95_ms:.0f} ms, p99 {f.p99_ms:.0f} ms (REST alone p95 {f.rest_p95_ms:.0f} ms)"
            f" | turns sent {s.turns_sent}, "
            f"replies {s.replies}, failed attempts {s.failed_attempts}, conversations "
            f"{c.conversations} (gave up {c.gave_up}), cases expected {c.cases_expected} found "
            f"{c.cases_found}, confirmed {c.confirmed} (queued {c.queued}) lost {c.confirmed_lost}, duplicates "
            f"{c.duplicates}, messages lost {c.messages_lost}, outbox left {c.outbox_left}")


async def measure(target: Target, concurrency: int, seconds: float, wechat_share: float) -> Figures:
    residents = Residents(target, concurrency, seconds, wechat_share)
    stats = await residents.run()
    return figures(concurrency, stats, await check(target, stats))


def target_for(stack: Stack, wechat: tuple | None = None) -> Target:
    sim, api = wechat or (None, None)
    return Target(stack.rasa, stack.backoffice, sim, api, stack.redis_url, stack.prefix)


# The load stack's own (fictional) WeChat account; its API is the tests' stand-in.
WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_SECRET = "load-wechat-token", "wxload0123456789ab", "load-secret"
WECHAT_AES_KEY = base64.b64encode(b"load-harness-aes-key-32-bytes!!!").decode().rstrip("=")


def wechat_setup() -> tuple[dict[str, str], object]:
    """The WeChat channel's settings and WeChat's API played by the tests' stand-in."""
    from tests.channels.wechat.fake_wechat_api import FakeWeChatApi

    api = FakeWeChatApi(WECHAT_APP_ID, WECHAT_SECRET).start()
    env = {"WECHAT_TOKEN": WECHAT_TOKEN, "WECHAT_APP_ID": WECHAT_APP_ID,
           "WECHAT_APP_SECRET": WECHAT_SECRET, "WECHAT_ENCODING_AES_KEY": WECHAT_AES_KEY,
           "WECHAT_API_BASE": api.base, "WECHAT_TEMPLATE_ID": "tpl-load"}
    return env, api


def wechat_simulator(rasa: str) -> object:
    from tests.channels.wechat.simulator import WeChatSimulator

    return WeChatSimulator(f"{rasa}/webhooks/wechat/webhook", WECHAT_TOKEN, WECHAT_AES_KEY,
                           WECHAT_APP_ID)


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
