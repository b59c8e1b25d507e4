"""WeChat channel: webhook response time and sustained messages per second.

    .venv/bin/python -m bench.wechat [--runs 3] [--messages 40] [--seconds 10] [--concurrency 8]

Starts the assistant on free ports with the WeChat channel configured and WeChat's
API played by the local stand-in (as the tests do), then measures, each figure the
median over --runs runs:
- response time of the webhook for a text message (signed; plaintext and safe/AES
  mode), one resident after another: what WeChat waits for (must stay far inside 5 s);
- messages per second the channel sustains with --concurrency senders and
  de-duplication on: every message unique, then every message delivered three
  times at once (WeChat's retries), counting unique messages per second; the same
  load through the REST channel as a baseline;
- response time of a repeated delivery, answered from the de-duplication record.
The machine's load is printed first: on a shared machine the figures move with it.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import percentile
from tests.channels.wechat.conftest import AES_KEY, APP_ID, SECRET, TEMPLATE_ID, TOKEN
from tests.channels.wechat.fake_wechat_api import FakeWeChatApi
from tests.channels.wechat.simulator import WeChatSimulator, random_openid, text_xml
from tests.stack import start_stack

MESSAGES = ["你好", "我家3号楼2单元502水管漏水了", "社区几点上班", "查一下我上次报修的进度",
            "楼道灯不亮了好几天了", "谢谢", "帮我妈做社保认证", "再说一遍"]


def latency_run(sim: WeChatSimulator, mode: str, n: int) -> list[float]:
    samples = []
    with httpx.Client(timeout=30) as client:
        for i in range(n):
            query, body = sim.request(text_xml(random_openid(), MESSAGES[i % len(MESSAGES)]), mode)
            start = time.perf_counter()
            response = client.post(sim.url, params=query, content=body.encode())
            samples.append(time.perf_counter() - start)
            response.raise_for_status()
    return samples


def duplicate_run(sim: WeChatSimulator, n: int) -> list[float]:
    """Response time of a repeated delivery (answered from the de-duplication record)."""
    xml = text_xml(random_openid(), "你好")
    samples = []
    with httpx.Client(timeout=30) as client:
        sim.send(xml, "safe")
        for _ in range(n):
            query, body = sim.request(xml, "safe")
            start = time.perf_counter()
            client.post(sim.url, params=query, content=body.encode()).raise_for_status()
            samples.append(time.perf_counter() - start)
    return samples


async def rest_run(rasa: str, seconds: float, concurrency: int) -> float:
    """The same load through the REST channel, as a baseline for the channel's own cost."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def sender(client: httpx.AsyncClient, worker: int) -> None:
        nonlocal done
        sender_id, i = random_openid(), 0
        while time.perf_counter() < deadline:
            response = await client.post(f"{rasa}/webhooks/rest/webhook", json={
                "sender": sender_id, "message": MESSAGES[(worker + i) % len(MESSAGES)]})
            response.raise_for_status()
            done, i = done + 1, i + 1

    start = time.perf_counter()
    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(sender(client, w) for w in range(concurrency)))
    return done / (time.perf_counter() - start)


async def throughput_run(sim: WeChatSimulator, seconds: float, concurrency: int,
                         copies: int) -> float:
    """Unique messages answered per second; each is delivered `copies` times at once."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def sender(client: httpx.AsyncClient, worker: int) -> None:
        nonlocal done
        openid, i = random_openid(), 0
        while time.perf_counter() < deadline:
            xml = text_xml(openid, MESSAGES[(worker + i) % len(MESSAGES)])
            answers = await asyncio.gather(*(sim.send_async(client, xml, "safe")
                                             for _ in range(copies)))
            assert all(a.status == 200 for a in answers)
            done, i = done + 1, i + 1

    start = time.perf_counter()
    limits = httpx.Limits(max_connections=concurrency * copies)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(*(sender(client, w) for w in range(concurrency)))
    return done / (time.perf_counter() - start)


def report(args: argparse.Namespace, sim: WeChatSimulator, rasa: str) -> None:
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    latency_run(sim, "plaintext", 10)  # warm-up
    for mode in ("plaintext", "safe"):
        runs = [latency_run(sim, mode, args.messages) for _ in range(args.runs)]
        p50 = statistics.median(statistics.median(r) * 1000 for r in runs)
        p95 = statistics.median(percentile(r, 95) * 1000 for r in runs)
        print(f"webhook response, text message, {mode:9}: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
              f"(median of {args.runs} runs x {args.messages} messages)", flush=True)
    runs = [duplicate_run(sim, args.messages) for _ in range(args.runs)]
    print(f"webhook response, repeated delivery (dedup hit), safe: p50 "
          f"{statistics.median(statistics.median(r) * 1000 for r in runs):.1f} ms, p95 "
          f"{statistics.median(percentile(r, 95) * 1000 for r in runs):.1f} ms", flush=True)
    for copies, label in ((1, "unique messages"), (3, "each delivered 3x at once")):
        rates = [asyncio.run(throughput_run(sim, args.seconds, args.concurrency, copies))
                 for _ in range(args.runs)]
        print(f"sustained, {label}: {statistics.median(rates):.1f} messages/s "
              f"({args.concurrency} senders, dedup on, median of {args.runs} runs of "
              f"{args.seconds:.0f} s: {', '.join(f'{r:.1f}' for r in rates)})", flush=True)
    rates = [asyncio.run(rest_run(rasa, args.seconds, args.concurrency))
             for _ in range(args.runs)]
    print(f"baseline, REST channel, same load: {statistics.median(rates):.1f} messages/s "
          f"({', '.join(f'{r:.1f}' for r in rates)})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    api = FakeWeChatApi(APP_ID, SECRET).start()
    env = {"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_APP_SECRET": SECRET,
           "WECHAT_ENCODING_AES_KEY": AES_KEY, "WECHAT_API_BASE": api.base,
           "WECHAT_TEMPLATE_ID": TEMPLATE_ID,
           # the benchmark's senders write far faster than residents: no per-sender limit
           "RATE_LIMIT_PER_SENDER": "0"}
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp), extra_env=env)
        try:
            sim = WeChatSimulator(f"{stack.rasa}/webhooks/wechat/webhook", TOKEN, AES_KEY, APP_ID)
            report(args, sim, stack.rasa)
            print(f"replies that missed the 4 s budget and went out as customer-service "
                  f"messages: {len(api.sent)}", flush=True)
        finally:
            stack.supervisor.stop_all()
            api.stop()


if __name__ == "__main__":
    main()
