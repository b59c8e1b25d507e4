"""Parse and turn latency on the real stack, plus the Rasa server's memory.

    .venv/bin/python -m bench.latency [--parse-calls 500] [--conversations 20]

Starts the assistant on free ports (as the tests do), then measures:
- POST /model/parse over N calls of varied residents' messages;
- one REST turn, and a whole property-repair conversation, single user;
- RSS of the Rasa server after the runs.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import rss_mib, summary_ms
from tests.stack import start_stack

MESSAGES = [
    "我家3号楼2单元502水管漏水了", "帮我妈做社保认证", "查一下我上次报修的进度", "你好", "转人工",
    "楼道灯不亮了好几天了", "13812345678", "明天上午10点", "不办了", "再说一遍", "谢谢",
    "我要申请高龄津贴我妈八十五了", "煤气味很重怎么办", "社区几点上班",
]
REPAIR = ["我要报修", "阳光小区3号楼2单元502", "厨房水管接口一直滴水", "{phone}", "随时", "对"]


def bench_parse(client: httpx.Client, rasa: str, calls: int) -> list[float]:
    samples = []
    for i in range(calls):
        start = time.perf_counter()
        client.post(f"{rasa}/model/parse", json={"text": MESSAGES[i % len(MESSAGES)]}).raise_for_status()
        samples.append(time.perf_counter() - start)
    return samples


def bench_conversations(client: httpx.Client, rasa: str, n: int) -> tuple[list[float], list[float]]:
    turns, whole = [], []
    for i in range(n):
        sender = f"bench-{time.time_ns()}-{i}"
        begin = time.perf_counter()
        for text in REPAIR:
            start = time.perf_counter()
            client.post(f"{rasa}/webhooks/rest/webhook",
                        json={"sender": sender, "message": text.format(phone=f"139{i:08d}")}).raise_for_status()
            turns.append(time.perf_counter() - start)
        whole.append(time.perf_counter() - begin)
    return turns, whole


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parse-calls", type=int, default=500)
    parser.add_argument("--conversations", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp))
        try:
            with httpx.Client(timeout=60) as client:
                bench_parse(client, stack.rasa, 20)  # warm-up
                parse = bench_parse(client, stack.rasa, args.parse_calls)
                turns, whole = bench_conversations(client, stack.rasa, args.conversations)
            rasa_pid = stack.child("rasa").proc.pid
            print(f"POST /model/parse      {summary_ms(parse)}")
            print(f"REST turn (repair)     {summary_ms(turns)}")
            print(f"whole repair dialogue  {summary_ms(whole)} ({len(REPAIR)} turns)")
            print(f"Rasa server RSS        {rss_mib(rasa_pid):.0f} MiB")
            print(f"action server RSS      {rss_mib(stack.child('actions').proc.pid):.0f} MiB")
        finally:
            stack.supervisor.stop_all()


if __name__ == "__main__":
    main()
