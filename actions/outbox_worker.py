"""Files queued submissions once the back office answers again.

`python -m actions.outbox_worker` runs under the supervisor beside the
action server. Retries back off per submission up to a ceiling, and every
retry carries the original idempotency key, so a submission that did reach
the back office before an outage is never filed twice.

As the assistant's one background process it also reports the depth and age of
both queues residents wait in (pending submissions, conversations waiting for
staff) as Prometheus gauges, on OUTBOX_METRICS_PORT.
"""
from __future__ import annotations

import asyncio
import logging
import time

from prometheus_client import Gauge

from actions.services.backoffice import BackofficeClient
from actions.services.filing import retry_submission
from bot.metrics import serve_on_port
from bot.settings import Settings
from state.handoff import HandoffQueue
from state.outbox import Outbox
from state.redis_conn import async_redis

logger = logging.getLogger(__name__)

OUTBOX_PENDING = Gauge("assistant_outbox_pending", "Confirmed submissions not yet filed")
OUTBOX_OLDEST = Gauge("assistant_outbox_oldest_seconds", "Age of the oldest pending submission")
HANDOFF_WAITING = Gauge("assistant_handoff_waiting", "Conversations waiting for staff")
HANDOFF_OLDEST = Gauge("assistant_handoff_oldest_wait_seconds",
                       "How long the longest-waiting conversation has waited for staff")


def backoff_s(attempts: int, base: float, ceiling: float = 60.0) -> float:
    return min(ceiling, base * (2 ** max(0, attempts - 1)))


async def drain_once(outbox: Outbox, backoffice: BackofficeClient, base_s: float) -> int:
    """Try every submission whose back-off has passed; return how many were filed."""
    filed = 0
    now = time.time()
    for submission in await outbox.pending():
        due = submission.queued_at + sum(backoff_s(i, base_s) for i in range(1, submission.attempts + 1))
        if submission.attempts and due > now:
            continue
        result = await retry_submission(outbox, backoffice, submission)
        if result.case_number:
            filed += 1
            logger.info("queued submission filed as %s", result.case_number)
    return filed


async def report_queues(outbox: Outbox, handoffs: HandoffQueue) -> None:
    now = time.time()
    pending = await outbox.pending()
    OUTBOX_PENDING.set(len(pending))
    OUTBOX_OLDEST.set(now - pending[0].queued_at if pending else 0)
    waiting = await handoffs.waiting()
    HANDOFF_WAITING.set(len(waiting))
    HANDOFF_OLDEST.set(max((now - h.requested_at for h in waiting), default=0))


async def run_forever(settings: Settings) -> None:
    redis = async_redis(settings)
    outbox = Outbox(redis, settings.redis_key_prefix)
    handoffs = HandoffQueue(redis, settings.redis_key_prefix)
    backoffice = BackofficeClient(settings.backoffice_url, settings.backoffice_token,
                                  settings.backoffice_timeout_s)
    logger.info("outbox worker started, retry base %.1fs", settings.outbox_retry_s)
    while True:
        try:
            await drain_once(outbox, backoffice, settings.outbox_retry_s)
            await report_queues(outbox, handoffs)
        except Exception:  # keep the loop alive through Redis hiccups
            logger.exception("outbox drain failed")
        await asyncio.sleep(min(1.0, settings.outbox_retry_s))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = Settings.from_env()
    if settings.outbox_metrics_port:
        serve_on_port(settings.outbox_metrics_port)
    asyncio.run(run_forever(settings))


if __name__ == "__main__":
    main()
