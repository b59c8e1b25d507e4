"""Figures of one run: throughput inside the measured window, latency percentiles,
and the check's counts, as one line."""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from bench.common import percentile
from bench.load.check import Check
from bench.load.residents import RunStats


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
