"""The action server's clients, built once on first use from settings.

rasa-sdk instantiates actions without arguments, so actions ask this
registry for their collaborators instead of building connections themselves.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache

from actions.services.backoffice import BackofficeClient
from bot.settings import Settings
from nlu.rules.office_hours import OfficeHours
from state.handoff import HandoffQueue
from state.outbox import Outbox
from state.profile import ProfileStore
from state.redis_conn import async_redis


@dataclass
class Services:
    settings: Settings
    backoffice: BackofficeClient
    outbox: Outbox
    handoffs: HandoffQueue
    office_hours: OfficeHours
    profiles: ProfileStore


@lru_cache(maxsize=1)
def services() -> Services:
    # httpx logs each request line at INFO, query strings included (?phone=...).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings.from_env()
    redis = async_redis(settings)
    return Services(
        settings=settings,
        backoffice=BackofficeClient(settings.backoffice_url, settings.backoffice_token,
                                    settings.backoffice_timeout_s),
        outbox=Outbox(redis, settings.redis_key_prefix),
        handoffs=HandoffQueue(redis, settings.redis_key_prefix),
        office_hours=OfficeHours.from_env(os.environ),
        profiles=ProfileStore(redis, settings.redis_key_prefix, settings.profile_ttl_s),
    )
