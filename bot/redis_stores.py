"""Rasa's Redis tracker and lock stores, configured from REDIS_URL.

`endpoints.yml` names these classes so one setting (REDIS_URL) points every
process at the same Redis, embedded or managed, with key prefixes and an
expiry on idle conversations.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Optional, Set

import redis
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.settings import Settings

logger = logging.getLogger(__name__)


class UrlRedisTrackerStore(RedisTrackerStore):
    def __init__(
        self,
        domain: Domain,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        settings = Settings.from_env()
        params = settings.redis()
        kwargs.pop("port", None)
        kwargs.pop("db", None)
        super().__init__(
            domain=domain,
            host=params.host,
            port=params.port,
            db=params.db,
            password=params.password,
            event_broker=event_broker,
            record_exp=settings.tracker_expiry_s,
            key_prefix=f"{settings.redis_key_prefix}tracker",
        )


class UrlRedisLockStore(RedisLockStore):
    """Rasa's ticket lock in Redis, and a ticket never outlives a Redis restart.

    A message that arrives as Redis goes down gets its ticket saved, then fails
    before the ticket is removed; Redis comes back from its append-only file with
    the ticket in it, and the conversation's next message would wait for it to
    expire (60 s). Here a removal that fails is retried in the background until
    Redis answers again, so the conversation waits only as long as Redis was away.
    The turn itself still fails, as before, so that it is sent again.
    """

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None,
                 retry_s: float = 0.5) -> None:
        settings = Settings.from_env()
        params = settings.redis()
        super().__init__(
            host=params.host,
            port=params.port,
            db=params.db,
            password=params.password,
            key_prefix=f"{settings.redis_key_prefix}lock",
        )
        self.retry_s = retry_s
        self._retrying: Set[asyncio.Task] = set()

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Rasa's `lock()` calls this as a turn ends, inside the event loop."""
        try:
            super().cleanup(conversation_id, ticket_number)
        except redis.RedisError:
            task = asyncio.get_running_loop().create_task(
                self._cleanup_when_back(conversation_id, ticket_number, LOCK_LIFETIME))
            self._retrying.add(task)
            task.add_done_callback(self._retrying.discard)
            # Still fail the turn: Rasa's tracker store swallows a failed save
            # (FailSafeTrackerStore), so this error is what tells the channel,
            # and the resident, to send the message again.
            raise

    async def _cleanup_when_back(self, conversation_id: str, ticket: int, lifetime_s: float) -> None:
        deadline = time.monotonic() + lifetime_s  # after that the ticket has expired anyway
        while time.monotonic() < deadline:
            await asyncio.sleep(self.retry_s)
            try:
                super().cleanup(conversation_id, ticket)
                logger.info("removed a lock ticket left behind while Redis was away")
                return
            except redis.RedisError:
                continue
