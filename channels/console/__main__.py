"""`python -m channels.console`: the staff console on CONSOLE_HOST:CONSOLE_PORT."""
from __future__ import annotations

import logging

import uvicorn

from channels.console.app import create_app
from channels.console.masking import scrub
from channels.console.settings import ConsoleSettings


class _ScrubAccessLog(logging.Filter):
    """Request lines carry what staff searched for (?phone=…) and conversation ids with a
    caller's number in them: the access log keeps them masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(scrub(a) if isinstance(a, str) else a for a in record.args)
        return True


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("uvicorn.access").addFilter(_ScrubAccessLog())
    # httpx logs every request line at INFO, query included (a case search by phone).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = ConsoleSettings.from_env()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_level="info", proxy_headers=False, timeout_graceful_shutdown=3)


if __name__ == "__main__":
    main()
