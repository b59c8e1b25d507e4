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
# Bearer token of the status-notification webhook (channels/notify.py), NOTIFY_TOKEN.
DEV_NOTIFY_TOKEN = "dev-notify-token"


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    """An integer setting; unset or blank means the default."""
    raw = (env.get(name) or "").strip()
    return int(raw) if raw else default


_int = env_int


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
    profile_ttl_s: int
    rasa_port: int
    action_port: int
    backoffice_port: int
    console_port: int
    backoffice_url: str
    backoffice_token: str
    backoffice_timeout_s: float
    outbox_retry_s: float
    office_hours: str
    timezone: str
    var_dir: str
    outbox_metrics_port: int = 0  # the outbox worker's /metrics; 0: not served

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        backoffice_port = _int(env, "BACKOFFICE_PORT", 8000)
        return cls(
            redis_url=env.get("REDIS_URL") or None,
            redis_key_prefix=env.get("REDIS_KEY_PREFIX", "sq"),
            tracker_expiry_s=_int(env, "TRACKER_EXPIRY_SECONDS", 7 * 24 * 3600),
            profile_ttl_s=_int(env, "PROFILE_TTL_SECONDS", 30 * 24 * 3600),
            rasa_port=_int(env, "RASA_PORT", 5005),
            action_port=_int(env, "ACTION_PORT", 5055),
            backoffice_port=backoffice_port,
            console_port=_int(env, "CONSOLE_PORT", 8100),
            backoffice_url=env.get("BACKOFFICE_URL", f"http://127.0.0.1:{backoffice_port}"),
            backoffice_token=env.get("BACKOFFICE_TOKEN", DEV_BACKOFFICE_TOKEN),
            backoffice_timeout_s=float(env.get("BACKOFFICE_TIMEOUT_SECONDS", "5")),
            outbox_retry_s=float(env.get("OUTBOX_RETRY_SECONDS", "5")),
            office_hours=env.get("OFFICE_HOURS", "mon-fri 09:00-12:00,13:30-17:30"),
            timezone=env.get("TZ_NAME", "Asia/Shanghai"),
            var_dir=env.get("VAR_DIR", "var"),
            outbox_metrics_port=_int(env, "OUTBOX_METRICS_PORT", 0),
        )

    def redis(self) -> RedisParams:
        if not self.redis_url:
            raise RuntimeError("REDIS_URL is not set; `make run` starts an embedded Redis")
        return RedisParams.from_url(self.redis_url)


@dataclass(frozen=True)
class RateLimitSettings:
    """Limits on the public webhooks (documented in `.env.example`).

    Per resident (sender id, WeChat openid) and per client IP, counted over a
    sliding window in Redis; 0 turns a limit off. The IP limit is high because
    many residents can share one address (mobile carriers' NAT, a centre's
    kiosk). Requests arriving from a trusted proxy are counted under the client
    address it forwards (X-Forwarded-For); a trusted proxy's own requests
    without one are not counted per IP. Loopback is trusted unless the setting
    says otherwise: a reverse proxy on the same host, or our own processes.
    """
    window_s: int = 60
    per_sender: int = 30
    per_ip: int = 600
    trusted_proxies: frozenset[str] = frozenset({"127.0.0.1", "::1"})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "RateLimitSettings":
        env = os.environ if env is None else env
        proxies = env.get("RATE_LIMIT_TRUSTED_PROXIES")
        if proxies is None:
            proxies = ",".join(cls.trusted_proxies)
        return cls(
            window_s=max(1, _int(env, "RATE_LIMIT_WINDOW_SECONDS", cls.window_s)),
            per_sender=_int(env, "RATE_LIMIT_PER_SENDER", cls.per_sender),
            per_ip=_int(env, "RATE_LIMIT_PER_IP", cls.per_ip),
            trusted_proxies=frozenset(p.strip() for p in proxies.split(",") if p.strip()),
        )
