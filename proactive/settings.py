"""Scheduler settings, read once from the environment (see .env.example)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from bot.settings import Settings

DEV_STAFF_TOKEN = "dev-staff-token"  # the back office's documented development default


@dataclass(frozen=True)
class ProactiveSettings:
    bot: Settings
    staff_token: str
    max_tries: int          # a send is tried this often, then shown to staff
    retry_base_s: float     # back-off: base, 2×base, 4×base, ...
    weekly_cap: int         # messages per resident in any 7 days
    poll_s: float           # how often a worker looks for due jobs
    max_jobs: int           # sends in flight per worker
    metrics_port: int       # /metrics of this process; 0: not served

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "ProactiveSettings":
        env = os.environ if env is None else env
        return cls(
            bot=Settings.from_env(env),
            staff_token=env.get("BACKOFFICE_STAFF_TOKEN") or DEV_STAFF_TOKEN,
            max_tries=int(env.get("PROACTIVE_MAX_TRIES") or 5),
            retry_base_s=float(env.get("PROACTIVE_RETRY_SECONDS") or 30),
            weekly_cap=int(env.get("PROACTIVE_WEEKLY_CAP") or 3),
            poll_s=float(env.get("PROACTIVE_POLL_SECONDS") or 0.5),
            max_jobs=int(env.get("PROACTIVE_MAX_JOBS") or 50),
            metrics_port=int(env.get("PROACTIVE_METRICS_PORT") or 0),
        )

    @property
    def queue_name(self) -> str:
        return f"{self.bot.redis_key_prefix}:proactive:jobs"
