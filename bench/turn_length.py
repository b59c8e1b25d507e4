"""Turn latency against conversation length: one resident, one long conversation.

    .venv/bin/python -m bench.turn_length [--conversations 5] [--turns 40] [--rasa URL]

A resident asks the policy questions and the status query below over and over in one
conversation (REST channel, one turn at a time, nobody else talking): every fifth
turn is the same question (你们中心几点上班), so turns 5, 10, … 40 are the same work
on a longer and longer tracker. Prints the median over --conversations conversations
of turns 5, 10, 20, 30, 40 (and the tracker's event count at the end). Without
--rasa it starts the assistant on free ports (as the tests do);
`bench/side_by_side.py` runs it on its own stack.

Where the processes are known (the stack started here; `--also NAME=URL,RASA_PID,ACTIONS_PID`
for an assistant started elsewhere, e.g. an earlier commit's from a git worktree), it
also prints the CPU time the Rasa server and the action server spent on each of those
turns: on a machine shared with other work, latency swings with the load, while the
CPU a turn takes moves much less. Several setups take turns conversation by
conversation.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.common import parse_also

CYCLE = ["居住证办理需要带什么材料", "查一下单号SQ20261210-000888的进度", "社区服务中心在哪里", "谢谢",
         "你们中心几点上班"]
SHOWN = (5, 10, 20, 30, 40)


def cpu_seconds(pids: tuple[int, ...]) -> list[float]:
    """CPU time each process (all its threads) has used so far, to the nanosecond
    (Linux schedstat; /proc/PID/stat counts in 10 ms ticks)."""
    out = []
    for pid in pids:
        total = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                continue  # a thread that ended meanwhile
        out.append(total / 1e9)
    return out


def one_conversation(client: httpx.Client, rasa: str, turns: int, pids: tuple[int, ...] = ()
                     ) -> tuple[list[float], list[list[float]], int, list]:
    """Seconds per turn (turn 1 first), each process's CPU seconds per turn, the
    tracker's event count, and the replies."""
    sender = f"long-{uuid.uuid4().hex[:12]}"
    seconds, cpu, replies = [], [], []
    for n in range(turns):
        text = CYCLE[n % len(CYCLE)]
        cpu_before = cpu_seconds(pids)
        start = time.perf_counter()
        response = client.post(f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": text})
        seconds.append(time.perf_counter() - start)
        cpu.append([after - before for after, before in zip(cpu_seconds(pids), cpu_before)])
        response.raise_for_status()
        replies.append((text, [m.get("text", "")[:30] for m in response.json()]))
    events = client.get(f"{rasa}/conversations/{sender}/tracker").json().get("events", [])
    return seconds, cpu, len(events), replies


def report_lengths(rasa: str | dict[str, str], conversations: int, turns: int,
                   pids: dict[str, tuple[int, ...]] | None = None) -> None:
    """Medians by turn; several setups ({name: URL}) take turns conversation by
    conversation, so a busy moment of the machine falls on all of them. With `pids`
    ({name: (Rasa server, action server)}) also their CPU milliseconds per turn."""
    setups = rasa if isinstance(rasa, dict) else {"assistant": rasa}
    pids = pids or {}
    print(f"\n== turn latency against conversation length: {conversations} conversations of "
          f"{turns} turns, one at a time; turns {', '.join(map(str, SHOWN))} are 「{CYCLE[-1]}」"
          + (f"; setups alternated: {', '.join(setups)}" if len(setups) > 1 else ""), flush=True)
    runs: dict[str, list] = {name: [] for name in setups}
    cpus: dict[str, list] = {name: [] for name in setups}
    events: dict[str, list] = {name: [] for name in setups}
    with httpx.Client(timeout=60) as client:
        for url in setups.values():
            one_conversation(client, url, len(CYCLE))  # warm-up
        for i in range(conversations):
            for name, url in (setups.items() if i % 2 == 0 else reversed(setups.items())):
                seconds, cpu, count, replies = one_conversation(client, url, turns,
                                                                pids.get(name, ()))
                runs[name].append(seconds)
                cpus[name].append(cpu)
                events[name].append(count)
                print(f"  {name} conversation {i + 1}: " + ", ".join(
                    f"turn {n} {seconds[n - 1] * 1000:.0f} ms" for n in SHOWN if n <= turns)
                    + f" (load average {os.getloadavg()[0]:.1f})", flush=True)
                if i == 0:
                    print("  what it was told, one turn a cycle: " +
                          " | ".join(f"{t} → {r}" for t, r in replies[:len(CYCLE)]), flush=True)
    for name in setups:
        print_setup(name, runs[name], cpus[name], events[name], turns)


def print_setup(name: str, runs: list, cpus: list, events: list, turns: int) -> None:
    with_cpu = bool(cpus and cpus[0] and cpus[0][0])
    print(f"{name}:\n| turn | median latency | runs |"
          + (" Rasa server CPU per turn | action server CPU per turn |" if with_cpu else "")
          + "\n|---|---|---|" + ("---|---|" if with_cpu else ""))
    for n in (n for n in SHOWN if n <= turns):
        ms = [r[n - 1] * 1000 for r in runs]
        cpu = ""
        if with_cpu:
            # mean of turns n-4..n (one whole cycle of questions), median of conversations
            per = [[sum(c[k][j] for k in range(max(0, n - 5), n)) * 1000 / min(n, 5)
                    for c in cpus] for j in range(2)]
            cpu = f" {statistics.median(per[0]):.1f} ms | {statistics.median(per[1]):.1f} ms |"
        print(f"| {n} | {statistics.median(ms):.0f} ms | {', '.join(f'{m:.0f}' for m in ms)} |{cpu}")
    all_ms = [s * 1000 for r in runs for s in r]
    print(f"all turns: median {statistics.median(all_ms):.0f} ms; tracker events at the end: "
          f"median {statistics.median(events):.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=5)
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--rasa")
    parser.add_argument("--also", nargs="*", default=[], metavar="NAME=URL[,RASA_PID,ACTIONS_PID]",
                        help="running assistants measured beside this one, conversations alternated")
    args = parser.parse_args()
    also, pids = parse_also(args.also)
    print(f"load average before: {os.getloadavg()} on {os.cpu_count()} CPUs", flush=True)
    if args.rasa:
        report_lengths({"assistant": args.rasa, **also}, args.conversations, args.turns, pids)
        return
    from bench.load.stack import LOAD_ENV
    from tests.stack import start_stack

    with tempfile.TemporaryDirectory(prefix="length-") as tmp:
        stack = start_stack(Path(tmp), extra_env=LOAD_ENV)
        try:
            pids["assistant"] = (stack.child("rasa").proc.pid, stack.child("actions").proc.pid)
            report_lengths({"assistant": stack.rasa, **also}, args.conversations, args.turns, pids)
        finally:
            stack.supervisor.stop_all()
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
