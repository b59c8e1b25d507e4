"""Sessions, CSRF tokens and login rate limits, kept in Redis.

The session cookie holds a random token; Redis holds only its SHA-256 with the
user, role and the session's CSRF token, so a leaked Redis dump opens no session.
Every state-changing request must carry the CSRF token in the `X-CSRF-Token`
header or a `csrf_token` form field; the cookie is HttpOnly and SameSite=Strict.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import redis.asyncio as aioredis

COOKIE = "console_session"
LOGIN_CSRF_COOKIE = "console_login_csrf"


@dataclass(frozen=True)
class Session:
    token_hash: str
    username: str
    role: str
    csrf: str
    department: str | None = None  # a department's account: its cases only

    @property
    def centre(self) -> bool:
        """The centre's own staff (not a department's account): queue and conversations."""
        return self.department is None

    def csrf_ok(self, presented: str | None) -> bool:
        return bool(presented) and hmac.compare_digest(self.csrf, presented)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(self, redis: aioredis.Redis, prefix: str, ttl_s: int) -> None:
        self._redis = redis
        self._key = f"{prefix}:console:session:"
        self._ttl_s = ttl_s

    async def create(self, username: str, role: str,
                     department: str | None = None) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        session = Session(_digest(token), username, role, secrets.token_urlsafe(32), department)
        await self._redis.hset(self._key + session.token_hash,
                               mapping={"username": username, "role": role, "csrf": session.csrf,
                                        "department": department or ""})
        await self._redis.expire(self._key + session.token_hash, self._ttl_s)
        return token, session

    async def get(self, token: str | None) -> Session | None:
        if not token or len(token) > 100:
            return None
        digest = _digest(token)
        data = await self._redis.hgetall(self._key + digest)
        if not data:
            return None
        return Session(digest, data["username"], data["role"], data["csrf"],
                       data.get("department") or None)

    async def delete(self, session: Session) -> None:
        await self._redis.delete(self._key + session.token_hash)


class LoginLimiter:
    """Attempts per IP and failures per user name within a fixed window."""

    def __init__(self, redis: aioredis.Redis, prefix: str, per_ip: int, per_user: int,
                 window_s: int) -> None:
        self._redis = redis
        self._key = f"{prefix}:console:login:"
        self._per_ip = per_ip
        self._per_user = per_user
        self._window_s = window_s

    async def _count(self, key: str) -> int:
        async with self._redis.pipeline(transaction=True) as pipe:
            # The window starts with the first attempt (EXPIRE NX needs Redis 7).
            pipe.set(key, 0, ex=self._window_s, nx=True)
            pipe.incr(key)
            _, count = await pipe.execute()
        return count

    async def attempt_allowed(self, ip: str, username: str) -> bool:
        """Count this attempt against the IP; refuse if the IP or the user is over the limit."""
        ip_count = await self._count(self._key + "ip:" + ip)
        user_failures = int(await self._redis.get(self._key + "user:" + username.lower()) or 0)
        return ip_count <= self._per_ip and user_failures < self._per_user

    async def failed(self, username: str) -> None:
        await self._count(self._key + "user:" + username.lower())

    async def succeeded(self, username: str) -> None:
        await self._redis.delete(self._key + "user:" + username.lower())

    @property
    def window_minutes(self) -> int:
        return max(1, self._window_s // 60)
