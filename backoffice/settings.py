"""Typed settings, read once from the environment.

    BACKOFFICE_HOST            127.0.0.1
    BACKOFFICE_PORT            8000
    DATABASE_URL               sqlite:///var/backoffice.db (relative to the cwd; folder created)
    BACKOFFICE_TOKEN           bearer token of the assistant (dev: dev-backoffice-token)
    BACKOFFICE_STAFF_TOKEN     bearer token of staff, needed for PATCH (dev: dev-staff-token)
    BACKOFFICE_ENCRYPTION_KEY  Fernet key for personal data (dev: derived from the token)
    BACKOFFICE_NOTIFY_URL      optional; status changes are POSTed there, best-effort
    BACKOFFICE_NOTIFY_TIMEOUT  seconds, default 2
    BACKOFFICE_LOG_LEVEL       INFO
    BACKOFFICE_RETENTION_DAYS  365; age of closed cases for ``python -m backoffice.retention``

Every setting has a development default so ``python -m backoffice`` works on a
laptop; each default that weakens security is logged as a warning at start.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import os
from dataclasses import dataclass, field
from typing import Mapping, Optional, Tuple

from cryptography.fernet import Fernet

logger = logging.getLogger(__name__)

DEV_TOKEN = "dev-backoffice-token"
DEV_STAFF_TOKEN = "dev-staff-token"
DEFAULT_DATABASE_URL = "sqlite:///var/backoffice.db"
MAX_BODY_BYTES = 64 * 1024


class SettingsError(ValueError):
    """A setting in the environment is unusable; the message names it."""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = DEFAULT_DATABASE_URL
    token: str = DEV_TOKEN
    staff_token: str = DEV_STAFF_TOKEN
    encryption_key: str = ""
    notify_url: Optional[str] = None
    notify_token: Optional[str] = None
    notify_timeout_s: float = 2.0
    log_level: str = "INFO"
    max_body_bytes: int = MAX_BODY_BYTES
    # Names of the settings that fell back to an insecure development default.
    dev_defaults: Tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.encryption_key:
            object.__setattr__(self, "encryption_key", derive_dev_key(self.token))
        _check_fernet_key(self.encryption_key)
        if self.token == self.staff_token:
            raise SettingsError("BACKOFFICE_TOKEN and BACKOFFICE_STAFF_TOKEN must differ")
        if not self.token or not self.staff_token:
            raise SettingsError("BACKOFFICE_TOKEN and BACKOFFICE_STAFF_TOKEN must not be empty")

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if environ is None else environ
        dev: list = []
        token = _get(env, "BACKOFFICE_TOKEN") or _dev(dev, "BACKOFFICE_TOKEN", DEV_TOKEN)
        staff = _get(env, "BACKOFFICE_STAFF_TOKEN") or _dev(
            dev, "BACKOFFICE_STAFF_TOKEN", DEV_STAFF_TOKEN
        )
        key = _get(env, "BACKOFFICE_ENCRYPTION_KEY")
        if not key:
            dev.append("BACKOFFICE_ENCRYPTION_KEY")
            key = derive_dev_key(token)
        settings = cls(
            host=_get(env, "BACKOFFICE_HOST") or "127.0.0.1",
            port=_port(_get(env, "BACKOFFICE_PORT") or "8000"),
            database_url=_get(env, "DATABASE_URL") or DEFAULT_DATABASE_URL,
            token=token,
            staff_token=staff,
            encryption_key=key,
            notify_url=_get(env, "BACKOFFICE_NOTIFY_URL") or None,
            notify_token=_get(env, "BACKOFFICE_NOTIFY_TOKEN") or None,
            notify_timeout_s=_positive_float(env, "BACKOFFICE_NOTIFY_TIMEOUT", 2.0),
            log_level=_log_level(_get(env, "BACKOFFICE_LOG_LEVEL") or "INFO"),
            dev_defaults=tuple(dev),
        )
        settings.warn_about_defaults()
        return settings

    def warn_about_defaults(self) -> None:
        for name in self.dev_defaults:
            if name == "BACKOFFICE_ENCRYPTION_KEY":
                logger.warning(
                    "!!! BACKOFFICE_ENCRYPTION_KEY is not set: personal data is encrypted "
                    "with a key DERIVED FROM THE API TOKEN. Development only: set a Fernet "
                    "key (Fernet.generate_key()) before storing real residents' data !!!"
                )
            else:
                logger.warning("%s is not set: using the development default", name)


def derive_dev_key(token: str) -> str:
    """A stable Fernet key derived from the token, for development only."""
    digest = hashlib.sha256(b"backoffice-dev-encryption-key:" + token.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def _check_fernet_key(key: str) -> None:
    try:
        Fernet(key.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError):
        # Never echo the key itself.
        raise SettingsError(
            "BACKOFFICE_ENCRYPTION_KEY is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes)"
        ) from None


def _get(env: Mapping[str, str], name: str) -> str:
    return (env.get(name) or "").strip()


def _dev(dev: list, name: str, value: str) -> str:
    dev.append(name)
    return value


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise SettingsError(f"BACKOFFICE_PORT must be an integer, got {raw!r}") from None
    if not 0 <= port <= 65535:
        raise SettingsError(f"BACKOFFICE_PORT out of range: {port}")
    return port


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise SettingsError(f"BACKOFFICE_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
    return level


def _positive_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = _get(env, name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive")
    return value
