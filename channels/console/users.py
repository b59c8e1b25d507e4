"""Console accounts in a small SQLite file, passwords hashed with argon2.

An account with a department (物业公司, 民政/社保窗口, ...) is that department's: it
sees the department's cases and callbacks only, not the conversation queue.
"""
from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("staff", "admin")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
DEPARTMENT_RE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
MIN_PASSWORD = 10
_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified when the user does not exist, so a wrong name costs as long as a wrong password."""
    return _hasher.hash("not-a-real-password")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('staff', 'admin')),
    created_at REAL NOT NULL,
    created_by TEXT NOT NULL
)
"""


class UserError(ValueError):
    """A user cannot be created; the message is shown to the admin."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    department: str | None = None


class UserStore:
    def __init__(self, path: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        with self._connect() as db:
            db.execute(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(users)")}
            if "department" not in columns:  # accounts file of an earlier release
                db.execute("ALTER TABLE users ADD COLUMN department TEXT")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    def ensure_admin(self, username: str, password: str) -> bool:
        """Create the admin from the environment unless an account of that name exists."""
        if self.get(username):
            return False
        self.create(username, password, "admin", created_by="environment")
        return True

    def create(self, username: str, password: str, role: str, created_by: str,
               department: str | None = None) -> User:
        if not USERNAME_RE.match(username or ""):
            raise UserError("用户名须为 3–32 位字母、数字、点、下划线或连字符")
        if len(password or "") < MIN_PASSWORD:
            raise UserError(f"密码至少 {MIN_PASSWORD} 位")
        if role not in ROLES:
            raise UserError("角色只能是 staff 或 admin")
        if department is not None and (role != "staff" or not DEPARTMENT_RE.match(department)):
            raise UserError("部门账号只能是工作人员角色，并须选择一个部门")
        try:
            with self._connect() as db:
                db.execute("INSERT INTO users (username, password_hash, role, created_at, created_by, "
                           "department) VALUES (?, ?, ?, ?, ?, ?)",
                           (username, _hasher.hash(password), role, time.time(), created_by, department))
        except sqlite3.IntegrityError:
            raise UserError("该用户名已存在") from None
        return User(username, role, department)

    def get(self, username: str) -> User | None:
        with self._connect() as db:
            row = db.execute("SELECT username, role, department FROM users WHERE username = ?",
                             (username,)).fetchone()
        return User(*row) if row else None

    def all(self) -> list[User]:
        with self._connect() as db:
            rows = db.execute("SELECT username, role, department FROM users ORDER BY username").fetchall()
        return [User(*r) for r in rows]

    def authenticate(self, username: str, password: str) -> User | None:
        with self._connect() as db:
            row = db.execute("SELECT password_hash, role, department FROM users WHERE username = ?",
                             (username,)).fetchone()
        try:
            _hasher.verify(row[0] if row else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        return User(username, row[1], row[2]) if row else None
