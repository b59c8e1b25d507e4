"""Rasa's bot messages as WeChat text: one message per turn, numbered options
instead of buttons, and cut into pieces WeChat accepts.

WeChat's passive reply is a single message and its text messages are limited in
size (2048 bytes is safe for passive and customer-service text), so the turn's
messages are joined, then split at line breaks where possible.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

OPTIONS_HINT = "请回复序号选择。"


@dataclass
class Reply:
    chunks: list[str] = field(default_factory=list)
    payloads: list[str] = field(default_factory=list)


def render_message(message: dict[str, Any]) -> tuple[str, list[str]]:
    """The text of one Rasa message and the payloads of its options, in order."""
    parts = [str(message["text"]).strip()] if message.get("text") else []
    buttons = message.get("buttons") or message.get("quick_replies") or []
    payloads = []
    if buttons:
        lines = []
        for number, button in enumerate(buttons, 1):
            lines.append(f"{number}. {button.get('title') or button.get('payload', '')}")
            payloads.append(str(button.get("payload") or button.get("title") or ""))
        parts += ["\n".join(lines), OPTIONS_HINT]
    if message.get("image"):
        parts.append(f"图片：{message['image']}")
    if message.get("attachment"):
        parts.append(str(message["attachment"]))
    custom = message.get("custom")
    if isinstance(custom, dict) and isinstance(custom.get("text"), str):
        parts.append(custom["text"])
    return "\n".join(p for p in parts if p), payloads


def compose(messages: list[dict[str, Any]], max_bytes: int) -> Reply:
    """All messages of one turn as pieces of at most `max_bytes` UTF-8 bytes."""
    texts, payloads = [], []
    for message in messages:
        text, options = render_message(message)
        if text:
            texts.append(text)
        if options:
            payloads = options  # a later list of options replaces an earlier one
    return Reply(split_text("\n\n".join(texts), max_bytes), payloads)


def split_text(text: str, max_bytes: int) -> list[str]:
    """Pieces of at most `max_bytes` bytes, broken at line ends when possible."""
    chunks: list[str] = []
    current = ""
    for piece in _lines_within(text, max_bytes):
        candidate = f"{current}\n{piece}" if current else piece
        if len(candidate.encode("utf-8")) <= max_bytes:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    chunks.append(current)
    return [c.strip() for c in chunks if c.strip()]


def _lines_within(text: str, max_bytes: int) -> Iterator[str]:
    for line in text.split("\n"):
        while len(line.encode("utf-8")) > max_bytes:
            cut = _prefix_within(line, max_bytes)
            yield line[:cut]
            line = line[cut:]
        yield line


def _prefix_within(line: str, max_bytes: int) -> int:
    """Length of the longest prefix of `line` that fits in `max_bytes` bytes."""
    size = 0
    for index, char in enumerate(line):
        size += len(char.encode("utf-8"))
        if size > max_bytes:
            return max(1, index)
    return len(line)
