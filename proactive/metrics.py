"""The scheduler's queue as Prometheus gauges, beside the per-send counter in sender.py.

Every scheduler process reports the same shared queue (take the max across them):
jobs waiting (deferred ones included), jobs already due but not yet taken, and how
late the most overdue one is; a due queue that grows, or a lateness that climbs,
means no scheduler is taking jobs.
"""
from __future__ import annotations

import asyncio
import logging
import time

from arq.connections import ArqRedis
from prometheus_client import Gauge

logger = logging.getLogger(__name__)

QUEUE_JOBS = Gauge("proactive_queue_jobs", "Reminder and notice jobs waiting in the queue, deferred ones included")
QUEUE_DUE = Gauge("proactive_queue_due_jobs", "Jobs whose time has come and that no scheduler has taken yet")
QUEUE_LATE = Gauge("proactive_queue_oldest_due_seconds", "How long the most overdue job has waited past its time")


async def report_queue(pool: ArqRedis, queue_name: str) -> None:
    """Once: the queue's depth, due jobs and lateness (arq scores are epoch milliseconds)."""
    now_ms = time.time() * 1000
    waiting = await pool.zcard(queue_name)
    due = await pool.zcount(queue_name, "-inf", now_ms)
    oldest = await pool.zrange(queue_name, 0, 0, withscores=True)
    QUEUE_JOBS.set(waiting)
    QUEUE_DUE.set(due)
    QUEUE_LATE.set(max(0.0, (now_ms - oldest[0][1]) / 1000) if oldest and due else 0.0)


async def report_forever(pool: ArqRedis, queue_name: str, every_s: float = 1.0) -> None:
    while True:
        try:
            await report_queue(pool, queue_name)
        except Exception as exc:  # keep reporting through Redis hiccups
            logger.warning("queue metrics not updated: %s", type(exc).__name__)
        await asyncio.sleep(every_s)
