"""Canned replies staff insert into a conversation, kept beside the accounts (SQLite)."""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

MAX_TITLE, MAX_TEXT, MAX_REPLIES = 30, 1000, 200
_SCHEMA = """
CREATE TABLE IF NOT EXISTS canned_replies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at REAL NOT NULL
)
"""
# What a new centre starts with; staff change them on the canned replies page.
SEED = (
    ("问候", "您好，我是社区服务中心工作人员，请问有什么可以帮您？"),
    ("稍等", "好的，我帮您查一下，请稍等一两分钟。"),
    ("已登记", "已为您登记，工作人员会尽快处理，有进展会第一时间通知您。"),
    ("回电", "我们稍后会电话联系您，请留意来电。"),
    ("结束", "还有其他需要帮忙的吗？没有的话我先把对话交回智能助手，祝您生活愉快。"),
)


class CannedError(ValueError):
    """A canned reply cannot be saved; the message is shown to staff."""


@dataclass(frozen=True)
class Canned:
    reply_id: int
    title: str
    text: str
    created_by: str


class CannedReplies:
    def __init__(self, path: str) -> None:
        self._path = path
        with self._connect() as db:
            db.execute(_SCHEMA)
            if db.execute("SELECT COUNT(*) FROM canned_replies").fetchone()[0] == 0:
                db.executemany("INSERT INTO canned_replies (title, text, created_by, created_at) "
                               "VALUES (?, ?, 'system', ?)", [(t, x, time.time()) for t, x in SEED])

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    def all(self) -> list[Canned]:
        with self._connect() as db:
            rows = db.execute("SELECT id, title, text, created_by FROM canned_replies ORDER BY id").fetchall()
        return [Canned(*row) for row in rows]

    def add(self, title: str, text: str, created_by: str) -> Canned:
        title, text = (title or "").strip(), (text or "").strip()
        if not title or len(title) > MAX_TITLE or not text or len(text) > MAX_TEXT:
            raise CannedError(f"标题（不超过{MAX_TITLE}字）和内容（不超过{MAX_TEXT}字）都要填写")
        with self._connect() as db:
            if db.execute("SELECT COUNT(*) FROM canned_replies").fetchone()[0] >= MAX_REPLIES:
                raise CannedError(f"常用回复最多 {MAX_REPLIES} 条，请先删除不用的")
            cursor = db.execute("INSERT INTO canned_replies (title, text, created_by, created_at) "
                                "VALUES (?, ?, ?, ?)", (title, text, created_by, time.time()))
        return Canned(cursor.lastrowid, title, text, created_by)

    def remove(self, reply_id: int) -> bool:
        with self._connect() as db:
            return db.execute("DELETE FROM canned_replies WHERE id = ?", (reply_id,)).rowcount == 1
