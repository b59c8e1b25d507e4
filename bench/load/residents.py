"""Simulated residents: each plays whole service conversations over REST or the
WeChat webhook, one after another, and retries a failed turn as a person would.

Every resident plays the scenarios of `bench/resident_sim.py` (its `Progress`
answer logic: read `requested_slot` from the tracker, answer from the profile).
A turn that fails (connection refused, 5xx, timeout) is retried after a pause
for up to `retry_for_s` seconds.
"""
from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from dataclasses import dataclass, field

import httpx

from bench.resident_sim import MAX_TURNS, SCENARIOS, CannotAnswer, Progress, Scenario

CONFIRMED = ("受理编号是", "已经记录下来了", "已登记紧急求助")
# Activities have a fixed number of places: a load run would fill them and change
# every later sign-up conversation, so those scenarios are left to resident_sim.
LOAD_SCENARIOS = [s for s in SCENARIOS if s.service != "activity_signup"]


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
    longest_turn_s: float = 0.0  # a message until its answer, failed attempts included
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
        first = time.perf_counter()
        deadline = first + self.retry_for_s
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
            self.stats.longest_turn_s = max(self.stats.longest_turn_s, end - first)
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
