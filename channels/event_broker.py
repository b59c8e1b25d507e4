"""Rasa event broker writing every conversation event to Redis Streams.

Configured in `endpoints.yml` (`event_broker: type: channels.event_broker.RedisStreamEventBroker`);
Redis is the one of REDIS_URL, keys carry REDIS_KEY_PREFIX (see `state/events.py`).
A failing write is logged and never breaks the conversation: the tracker store
still holds every event.
"""
from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from typing import Any, Dict, List, Optional, Text

import redis
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.settings import Settings
from state.events import EventWriter

logger = logging.getLogger(__name__)


class RedisStreamEventBroker(EventBroker):
    def __init__(self, writer: EventWriter) -> None:
        self._writer = writer

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig,
                                   event_loop: Optional[AbstractEventLoop] = None,
                                   ) -> "RedisStreamEventBroker":
        settings = Settings.from_env()
        if not settings.redis_url:
            raise RuntimeError("REDIS_URL is not set; the event broker writes to Redis Streams")
        client = redis.Redis.from_url(settings.redis_url,
                                      decode_responses=True, socket_timeout=2)
        return cls(EventWriter(client, settings.redis_key_prefix, settings.tracker_expiry_s))

    def publish(self, event: Dict[Text, Any]) -> None:
        self.publish_many([event])

    def publish_many(self, events: List[Dict[Text, Any]]) -> None:
        """A turn's events at once (bot/redis_stores.py hands them over together)."""
        try:
            self._writer.write_many(events)
        except redis.RedisError as error:
            logger.error("%d events of a conversation not written to the stream (%s): %s",
                         len(events), ", ".join(str(e.get("event")) for e in events), error)

    def is_ready(self) -> bool:
        return True
