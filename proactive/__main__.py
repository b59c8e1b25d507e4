"""`python -m proactive`: one scheduler process (run by `make run`'s supervisor)."""
from __future__ import annotations

import asyncio
import logging

from bot.metrics import serve_on_port
from proactive.metrics import report_forever
from proactive.settings import ProactiveSettings
from proactive.worker import build_worker, redis_pool


async def main() -> None:
    settings = ProactiveSettings.from_env()
    if settings.metrics_port:
        serve_on_port(settings.metrics_port)
    pool = await redis_pool(settings)
    worker = build_worker(settings, pool)
    reporting = asyncio.create_task(report_forever(pool, settings.queue_name)) \
        if settings.metrics_port else None
    try:
        await worker.async_run()
    except asyncio.CancelledError:  # SIGTERM or Ctrl-C: arq stops its own task
        logging.getLogger("proactive").info("scheduler stopped")
    finally:
        if reporting:
            reporting.cancel()
        await worker.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # arq logs each job's arguments (the resident's id and message); ours logs them masked.
    logging.getLogger("arq.worker").setLevel(logging.WARNING)
    asyncio.run(main())
