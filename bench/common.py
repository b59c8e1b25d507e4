"""Small helpers shared by the benchmarks: percentiles and process memory."""
from __future__ import annotations

import statistics
from pathlib import Path


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (f"n={len(ms)} p50={statistics.median(ms):.1f} ms p95={percentile(ms, 95):.1f} ms "
            f"p99={percentile(ms, 99):.1f} ms max={max(ms):.1f} ms")


def rss_mib(pid: int) -> float:
    """Resident set size of a process and its children, in MiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def parse_also(items: list[str]) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """``--also`` values, NAME=URL or NAME=URL,RASA_PID,ACTIONS_PID (for CPU per turn):
    the URLs by name, and the process ids where given."""
    also, pids = {}, {}
    for item in items:
        name, _, value = item.partition("=")
        url, *numbers = value.split(",")
        also[name] = url
        if len(numbers) == 2:
            pids[name] = (int(numbers[0]), int(numbers[1]))
    return also, pids
