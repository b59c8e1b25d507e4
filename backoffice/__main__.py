"""``python -m backoffice``: start the back office with uvicorn."""
from __future__ import annotations

import logging
import sys

import uvicorn

from backoffice.app import create_app
from backoffice.metrics import with_metrics
from backoffice.settings import Settings, SettingsError

logger = logging.getLogger(__name__)


def main() -> int:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        logger.error("invalid settings: %s", exc)
        return 2
    logging.getLogger().setLevel(settings.log_level)
    app = with_metrics(create_app(settings))
    # uvicorn's access log prints query strings (?phone=...): ours in RequestGuard does not.
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False, log_config=None,
                server_header=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
