"""After a run: what the residents were told against the back office and the
trackers (cases expected/found, confirmed cases lost, duplicates, acknowledged
messages missing), once the outbox has filed everything it holds."""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import httpx
import redis.asyncio as aioredis

from bench.load.residents import Conversation, RunStats, Target
from tests.stack import BACKOFFICE_TOKEN


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
    duplicated: list[str] = field(default_factory=list)  # scenarios with a second case
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
    if len(cases) > 1:
        result.duplicated.append(conv.scenario.name)
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
