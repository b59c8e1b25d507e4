"""Console settings, read once from the environment (documented in `.env.example`)."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Mapping

from bot.settings import env_int as _int

logger = logging.getLogger(__name__)

DEV_ADMIN_USER = "admin"
DEV_ADMIN_PASSWORD = "dev-console-admin"


@dataclass(frozen=True)
class ConsoleSettings:
    host: str
    port: int
    redis_url: str
    prefix: str
    rasa_url: str
    rasa_token: str
    backoffice_url: str
    backoffice_token: str
    backoffice_staff_token: str
    db_path: str
    admin_user: str
    admin_password: str
    secure_cookie: bool
    session_ttl_s: int
    login_limit_ip: int
    login_limit_user: int
    login_window_s: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "ConsoleSettings":
        env = os.environ if env is None else env
        if not env.get("REDIS_URL"):
            raise RuntimeError("REDIS_URL is not set; `make run` sets it")
        password = env.get("CONSOLE_ADMIN_PASSWORD") or ""
        if not password:
            logger.warning("CONSOLE_ADMIN_PASSWORD is not set: the admin gets the development "
                           "default password; set it before real use")
            password = DEV_ADMIN_PASSWORD
        return cls(
            host=env.get("CONSOLE_HOST", "127.0.0.1"),
            port=_int(env, "CONSOLE_PORT", 8100),
            redis_url=env["REDIS_URL"],
            prefix=env.get("REDIS_KEY_PREFIX", "sq"),
            rasa_url=env.get("RASA_URL") or f"http://127.0.0.1:{_int(env, 'RASA_PORT', 5005)}",
            rasa_token=env.get("RASA_AUTH_TOKEN", ""),
            backoffice_url=env.get("BACKOFFICE_URL", "http://127.0.0.1:8000"),
            backoffice_token=env.get("BACKOFFICE_TOKEN", "dev-backoffice-token"),
            # Casework (case list, status, routing) goes through the staff token, naming
            # the person acting; the back office applies the permission rules.
            backoffice_staff_token=env.get("BACKOFFICE_STAFF_TOKEN", "dev-staff-token"),
            db_path=env.get("CONSOLE_DB") or os.path.join(env.get("VAR_DIR", "var"), "console.db"),
            admin_user=env.get("CONSOLE_ADMIN_USER") or DEV_ADMIN_USER,
            admin_password=password,
            secure_cookie=(env.get("CONSOLE_SECURE_COOKIE", "") or "").lower() in ("1", "true", "yes"),
            session_ttl_s=_int(env, "CONSOLE_SESSION_HOURS", 8) * 3600,
            login_limit_ip=_int(env, "CONSOLE_LOGIN_LIMIT_IP", 20),
            login_limit_user=_int(env, "CONSOLE_LOGIN_LIMIT_USER", 5),
            login_window_s=_int(env, "CONSOLE_LOGIN_WINDOW_SECONDS", 900),
        )
