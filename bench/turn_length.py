"""Turn latency against conversation length: one resident, one long conversation.

    .venv/bin/python -m bench.turn_length [--conversations 5] [--turns 40] [--rasa URL]

A resident asks the policy questions and the status query below over and over in one
conversation (REST channel, one turn at a time, nobody else talking): every fifth
turn is the same question (你们中心几点上班), so turns 5, 10, … 40 are the same work
on a longer and longer tracker. Prints the median over --conversations conversations
of turns 5, 10, 20, 30, 40 (and the tracker's event count at the end). Without
--rasa it starts the assistant on free ports (as the tests do);
`bench/side_by_side.py` runs it on its own stack.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

CYCLE = ["居住证办理需要带什么材料", "查一下单号SQ20261210-000888的进度", "社区服务中心在哪里", "谢谢",
         "你们中心几点上班"]
SHOWN = (5, 10, 20, 30, 40)


def one_conversation(client: httpx.Client, rasa: str, turns: int) -> tuple[list[float], int, list]:
    """Seconds per turn (turn 1 first), the tracker's event count, and the replies."""
    sender = f"long-{uuid.uuid4().hex[:12]}"
    seconds, replies = [], []
    for n in range(turns):
        text = CYCLE[n % len(CYCLE)]
        start = time.perf_counter()
        response = client.post(f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": text})
        seconds.append(time.perf_counter() - start)
        response.raise_for_status()
        replies.append((text, [m.get("text", "")[:30] for m in response.json()]))
    events = client.get(f"{rasa}/conversations/{sender}/tracker").json().get("events", [])
    return seconds, len(events), replies


def report_lengths(rasa: str | dict[str, str], conversations: int, turns: int) -> None:
    """Medians by turn; several setups ({name: URL}) take turns conversation by
    conversation, so a busy moment of the machine falls on all of them."""
    setups = rasa if isinstance(rasa, dict) else {"assistant": rasa}
    print(f"\n== turn latency against conversation length: {conversations} conversations of "
          f"{turns} turns, one at a time; turns {', '.join(map(str, SHOWN))} are 「{CYCLE[-1]}」"
          + (f"; setups alternated: {', '.join(setups)}" if len(setups) > 1 else ""), flush=True)
    runs: dict[str, list] = {name: [] for name in setups}
    events: dict[str, list] = {name: [] for name in setups}
    with httpx.Client(timeout=60) as client:
        for url in setups.values():
            one_conversation(client, url, len(CYCLE))  # warm-up
        for i in range(conversations):
            for name, url in (setups.items() if i % 2 == 0 else reversed(setups.items())):
                seconds, count, replies = one_conversation(client, url, turns)
                runs[name].append(seconds)
                events[name].append(count)
                print(f"  {name} conversation {i + 1}: " + ", ".join(
                    f"turn {n} {seconds[n - 1] * 1000:.0f} ms" for n in SHOWN if n <= turns), flush=True)
                if i == 0:
                    print("  what it was told, one turn a cycle: " +
                          " | ".join(f"{t} → {r}" for t, r in replies[:len(CYCLE)]), flush=True)
    for name in setups:
        print(f"{name}:\n| turn | median latency | runs |\n|---|---|---|")
        for n in (n for n in SHOWN if n <= turns):
            ms = [r[n - 1] * 1000 for r in runs[name]]
            print(f"| {n} | {statistics.median(ms):.0f} ms | {', '.join(f'{m:.0f}' for m in ms)} |")
        all_ms = [s * 1000 for r in runs[name] for s in r]
        print(f"all turns: median {statistics.median(all_ms):.0f} ms; tracker events at the end: "
              f"median {statistics.median(events[name]):.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=5)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--rasa")
    args = parser.parse_args()
    if args.rasa:
        report_lengths(args.rasa, args.conversations, args.turns)
        return
    from bench.load.stack import LOAD_ENV
    from tests.stack import start_stack

    with tempfile.TemporaryDirectory(prefix="length-") as tmp:
        stack = start_stack(Path(tmp), extra_env=LOAD_ENV)
        try:
            report_lengths(stack.rasa, args.conversations, args.turns)
        finally:
            stack.supervisor.stop_all()


if __name__ == "__main__":
    main()
