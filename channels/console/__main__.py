"""`python -m channels.console`: the staff console on CONSOLE_HOST:CONSOLE_PORT."""
from __future__ import annotations

import logging

import uvicorn

from channels.console.app import create_app
from channels.console.settings import ConsoleSettings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = ConsoleSettings.from_env()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level="info", proxy_headers=False, timeout_graceful_shutdown=3)


if __name__ == "__main__":
    main()
