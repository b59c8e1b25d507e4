"""Whether a message carries anything the classifier can read."""
from __future__ import annotations

import re

_CONTENT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff\u3400-\u4dbf０-９Ａ-Ｚａ-ｚ]")


def has_content(text: str | None) -> bool:
    """False for empty, whitespace, emoji-only or punctuation-only messages."""
    return bool(text and _CONTENT.search(text))
