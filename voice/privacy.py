"""Masking for logs: callers' numbers (transcripts are never logged)."""
from __future__ import annotations


def mask_number(number: str | None) -> str:
    if not number:
        return "-"
    return number[:3] + "****" + number[-4:] if len(number) >= 8 else "****"

