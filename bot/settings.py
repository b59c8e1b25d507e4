"""Typed settings, read once from the environment.

Every setting is documented in `.env.example`; defaults are the development
ones used by `make run`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlparse

DEV_BACKOFFICE_TOKEN = "dev-backoffice-token"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class RedisParams:
    host: str
    port: int
    db: int
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> "RedisParams":
        parsed = urlparse(url)
        db = int(parsed.path.lstrip("/") or 0)
        return cls(parsed.hostname or "127.0.0.1", parsed.port or 6379, db, parsed.password)


@dataclass(frozen=True)
class Settings:
    redis_url: str | None
    redis_key_prefix: str
    tracker_expiry_s: int
    rasa_port: int
    action_port: int
    backoffice_port: int
    backoffice_url: str
    backoffice_token: str
    backoffice_timeout_s: float
    outbox_retry_s: float
    office_hours: str
    timezone: str
    var_dir: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        backoffice_port = _int(env, "BACKOFFICE_PORT", 8000)
        return cls(
            redis_url=env.get("REDIS_URL") or None,
            redis_key_prefix=env.get("REDIS_KEY_PREFIX", "sq"),
            tracker_expiry_s=_int(env, "TRACKER_EXPIRY_SECONDS", 7 * 24 * 3600),
            rasa_port=_int(env, "RASA_PORT", 5005),
            action_port=_int(env, "ACTION_PORT", 5055),
            backoffice_port=backoffice_port,
            backoffice_url=env.get("BACKOFFICE_URL", f"http://127.0.0.1:{backoffice_port}"),
            backoffice_token=env.get("BACKOFFICE_TOKEN", DEV_BACKOFFICE_TOKEN),
            backoffice_timeout_s=float(env.get("BACKOFFICE_TIMEOUT_SECONDS", "5")),
            outbox_retry_s=float(env.get("OUTBOX_RETRY_SECONDS", "5")),
            office_hours=env.get("OFFICE_HOURS", "mon-fri 09:00-12:00,13:30-17:30"),
            timezone=env.get("TZ_NAME", "Asia/Shanghai"),
            var_dir=env.get("VAR_DIR", "var"),
        )

    def redis(self) -> RedisParams:
        if not self.redis_url:
            raise RuntimeError("REDIS_URL is not set; `make run` starts an embedded Redis")
        return RedisParams.from_url(self.redis_url)
