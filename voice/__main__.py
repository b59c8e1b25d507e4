"""`python -m voice`: the hotline gateway (HTTP/WebSocket on VOICE_PORT, AudioSocket on
VOICE_AUDIOSOCKET_PORT). Started by `make run`."""
from __future__ import annotations

import logging

import uvicorn

from voice.app import create_app
from voice.gateway import build_services
from voice.settings import VoiceSettings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = VoiceSettings.from_env()
    app = create_app(lambda: build_services(settings))
    # proxy_headers off: the gateway reads X-Forwarded-For itself, with the trusted proxies
    # of every other entry point (RATE_LIMIT_TRUSTED_PROXIES), not uvicorn's own list.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info",
                ws_ping_interval=None, proxy_headers=False)


if __name__ == "__main__":
    main()
