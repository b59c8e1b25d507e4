"""Rasa's Redis tracker and lock stores, configured from REDIS_URL.

`endpoints.yml` names these classes so one setting (REDIS_URL) points every
process at the same Redis, embedded or managed, with key prefixes and an
expiry on idle conversations.
"""
from __future__ import annotations

from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.settings import Settings


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
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        settings = Settings.from_env()
        params = settings.redis()
        super().__init__(
            host=params.host,
            port=params.port,
            db=params.db,
            password=params.password,
            key_prefix=f"{settings.redis_key_prefix}lock",
        )
