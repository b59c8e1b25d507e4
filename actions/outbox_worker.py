"""Files queued submissions once the back office answers again.

`python -m actions.outbox_worker` runs under the supervisor beside the
action server. Retries back off per submission up to a ceiling, and every
retry carries the original idempotency key, so a submission that did reach
the back office before an outage is never filed twice.
"""
from __future__ import annotations

import asyncio
import logging
import time

from actions.services.backoffice import BackofficeClient
from actions.services.filing import retry_submission
from bot.settings import Settings
from state.outbox import Outbox
from state.redis_conn import async_redis

logger = logging.getLogger(__name__)


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


async def run_forever(settings: Settings) -> None:
    redis = async_redis(settings)
    outbox = Outbox(redis, settings.redis_key_prefix)
    backoffice = BackofficeClient(settings.backoffice_url, settings.backoffice_token,
                                  settings.backoffice_timeout_s)
    logger.info("outbox worker started, retry base %.1fs", settings.outbox_retry_s)
    while True:
        try:
            await drain_once(outbox, backoffice, settings.outbox_retry_s)
        except Exception:  # keep the loop alive through Redis hiccups
            logger.exception("outbox drain failed")
        await asyncio.sleep(min(1.0, settings.outbox_retry_s))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(run_forever(Settings.from_env()))


if __name__ == "__main__":
    main()
