"""Normalise spoken, full-width and Chinese-numeral digits to ASCII.

Residents type full-width digits (１２３) and speech recognisers write spoken
digits (幺三八, 洞, 两). Every digit-bearing entity goes through here first so
the extractors only ever see ASCII digits.
"""
from __future__ import annotations

import re

# Digit-by-digit readings used when people read out phone and ID numbers.
SPOKEN_DIGITS = {
    "零": "0", "〇": "0", "洞": "0", "o": "0", "O": "0",
    "一": "1", "幺": "1", "壹": "1",
    "二": "2", "两": "2", "贰": "2",
    "三": "3", "叁": "3",
    "四": "4", "肆": "4",
    "五": "5", "伍": "5",
    "六": "6", "陆": "6",
    "七": "7", "拐": "7", "柒": "7",
    "八": "8", "捌": "8",
    "九": "9", "勾": "9", "玖": "9",
}
# Full-width digits, letters and dashes map one-to-one, so spans stay valid.
_FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULLWIDTH.update({chr(0xFF21 + i): chr(ord("A") + i) for i in range(26)})
_FULLWIDTH.update({chr(0xFF41 + i): chr(ord("a") + i) for i in range(26)})
_FULLWIDTH.update({"－": "-", "＿": "_"})

_UNIT = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = {k: int(v) for k, v in SPOKEN_DIGITS.items() if k not in "oO拐勾洞"}


def fullwidth_to_ascii(text: str) -> str:
    return "".join(_FULLWIDTH.get(ch, ch) for ch in text)


def spoken_run_to_digits(run: str) -> str:
    """Map a run of spoken digits (幺三八) to ASCII, character by character."""
    return "".join(SPOKEN_DIGITS.get(ch, ch) for ch in run)


def chinese_numeral_to_int(text: str) -> int | None:
    """Read a small Chinese numeral (十二, 三百零二, 二十) as an integer.

    Digit-by-digit forms (五零二) are read positionally. Returns None when
    the text is not a numeral.
    """
    if not text:
        return None
    # isdecimal, not isdigit: ² and ① are "digits" that int() refuses.
    if text.isdecimal():
        return int(text)
    if not any(ch in _UNIT for ch in text):
        digits = spoken_run_to_digits(text)
        return int(digits) if digits.isdecimal() else None
    total, current = 0, 0
    for ch in text:
        if ch in _NUMERAL:
            current = _NUMERAL[ch]
        elif ch in _UNIT:
            total += (current or 1) * _UNIT[ch]
            current = 0
        else:
            return None
    return total + current


_DIGIT_CHARS = "".join(SPOKEN_DIGITS) + "0123456789"
# A run of at least `min_len` digit-like characters, allowing spaces and
# dashes between them (138 1234 5678, 138-1234-5678).
# (a line break ends a run: values typed one per line are separate values)
_RUN = re.compile(r"[0-9零〇洞一幺壹二两贰三叁四肆五伍六陆七拐柒八捌九勾玖]"
                  r"(?:[^\S\n\r]*[\-－—]*[^\S\n\r]*[0-9零〇洞一幺壹二两贰三叁四肆五伍六陆七拐柒八捌九勾玖])*")


def digit_runs(text: str, min_len: int = 1) -> list[tuple[int, int, str]]:
    """Find runs of digits (ASCII, full-width or spoken) with their spans.

    Spans refer to the original text (full-width mapping keeps lengths), so
    extractors can report entity positions. Each run is returned as
    (start, end, ascii_digits); runs shorter than ``min_len`` are skipped.
    """
    ascii_text = fullwidth_to_ascii(text)
    runs = []
    for match in _RUN.finditer(ascii_text):
        compact = re.sub(r"[\s\-－—]", "", match.group(0))
        if len(compact) >= min_len:
            runs.append((match.start(), match.end(), spoken_run_to_digits(compact)))
    return runs


def normalise_digit_runs(text: str, min_len: int = 7) -> str:
    """Rewrite long digit runs (a phone, an ID) as plain ASCII digits."""
    out, last = [], 0
    ascii_text = fullwidth_to_ascii(text)
    for start, end, digits in digit_runs(text, min_len):
        out.append(ascii_text[last:start])
        out.append(digits)
        last = end
    out.append(ascii_text[last:])
    return "".join(out)
