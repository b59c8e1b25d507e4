"""Turn the assistant's chat replies into what a caller should hear.

Pure functions: no links, no buttons (a short spoken menu of at most three
options instead), long numbers read digit by digit in groups (13812345678 →
幺三八，一二三四，五六七八), case numbers as letters and digit groups
(SQ20261128-000123 → SQ，二零二六，幺幺二八，零零零，幺二三), masked values read
as their visible tail, no symbols read out (brackets and dashes become pauses).
Sentences are spoken one by one, so the first can play while the rest is made;
a voice that cannot say Latin letters gets them spelled (`spell_letters`).
"""
from __future__ import annotations

import re
from typing import Any, Iterable

MAX_OPTIONS = 3
_DIGITS = "零幺二三四五六七八九"
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
_MASKED = re.compile(r"[0-9Xx]*\*{2,}([0-9Xx]+)")
_ISO_DATETIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?")
_CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")
_DIGIT_RUN = re.compile(r"[0-9]{3,}[Xx]?")
_NUMBERED_LINE = re.compile(r"^\s*(\d+)[.、)）]\s*")
_MARKUP = re.compile(r"[*_#`>|\[\]【】<>{}\"“”‘’「」『』]")
_CASE_NUMBER = re.compile(r"(?<![A-Za-z])([A-Za-z]{2})(\d{8})[-－—]?(\d{6})(?!\d)")
_INLINE_OPTION = re.compile(r"(?<![\d.])(\d)[.、]\s*(?=\D)")
_PAUSES = re.compile(r"\s*[（）()—–]+\s*|(?<!\d)\s*-+\s*|\s*-+\s*(?!\d)")
_RANGE = re.compile(r"(?<=[\d点分])\s*[~～]\s*(?=\d)")
_SYMBOL = re.compile(r"[^\w\s，。！？；：、,.!?;:%]")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_CLAUSE_END = re.compile(r"(?<=[、，。！？；：,!?;:])")
# How Chinese speakers read Latin letters aloud, for a voice that cannot.
LETTERS_ZH = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [
    "诶", "必", "西", "迪", "伊", "艾付", "吉", "艾曲", "艾", "杰", "开", "艾乐", "艾母",
    "恩", "欧", "批", "扣", "阿", "艾斯", "替", "优", "维", "达不溜", "艾克斯", "歪", "贼"]))


def read_digits(run: str) -> str:
    """Digits one by one, groups separated by a pause (a Chinese comma)."""
    chars = [_DIGITS[int(c)] if c.isdigit() else "叉" for c in run]
    return "，".join("".join(chars[a:b]) for a, b in _groups(len(chars)))


def _groups(n: int) -> list[tuple[int, int]]:
    if n == 11:  # mobile: 3-4-4
        sizes = [3, 4, 4]
    elif n == 18:  # resident ID: 6-8-4
        sizes = [6, 8, 4]
    elif n <= 4:
        sizes = [n]
    else:
        sizes = [4] * (n // 4) + ([n % 4] if n % 4 else [])
    bounds, start = [], 0
    for size in sizes:
        bounds.append((start, start + size))
        start += size
    return bounds


def _clock(hour: str, minute: str) -> str:
    return f"{int(hour)}点" + ("" if minute == "00" else f"{int(minute)}分")


def _dates_and_times(text: str) -> str:
    def iso(m: re.Match) -> str:
        said = f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日"
        return said + (_clock(m.group(4), m.group(5)) if m.group(4) else "")

    text = _ISO_DATETIME.sub(iso, text)
    return _CLOCK.sub(lambda m: _clock(m.group(1), m.group(2)), text)


def read_case_number(m: re.Match) -> str:
    seq = [_DIGITS[int(c)] for c in m.group(3)]
    return (f"{m.group(1).upper()}，{read_digits(m.group(2))}，"
            f"{''.join(seq[:3])}，{''.join(seq[3:])}")


def speakable(text: str) -> str:
    """One reply's text as it should be spoken."""
    text = _URL.sub("", text)
    text = _MASKED.sub(lambda m: "尾号" + read_digits(m.group(1)), text)
    text = _CASE_NUMBER.sub(read_case_number, text)
    text = _dates_and_times(text)
    text = _DIGIT_RUN.sub(lambda m: read_digits(m.group(0)), text)
    text = _MARKUP.sub("", text)
    text = _trim_numbered_lines(text)
    text = re.sub(r"\s+(?=\d，)", "；", _INLINE_OPTION.sub(r"\1，", text))
    text = _RANGE.sub("到", text).replace("/", "或")
    text = _PAUSES.sub("，", text)
    text = _SYMBOL.sub("", text)
    return re.sub(r"，*([，。！？；：])，*", r"\1", text).strip("， ")


def sentences(text: str, shortest: int = 6) -> list[str]:
    """Sentences to synthesise one by one; a very short one joins the next."""
    out: list[str] = []
    for part in (p.strip() for p in _SENTENCE_END.split(text)):
        if not part:
            continue
        if out and len(out[-1]) < shortest:
            out[-1] += part
        else:
            out.append(part)
    return out


def speech_chunks(text: str, first_max: int = 16) -> list[str]:
    """What to synthesise one piece at a time: sentences, and a long first sentence
    split after its first pause, so the caller hears the start of a reply sooner."""
    parts = sentences(text)
    if parts and len(parts[0]) > first_max:
        head = clauses(parts[0])
        if len(head) > 1 and len(head[0]) >= 4:
            parts[:1] = [head[0], "".join(head[1:])]
    return parts


def clauses(text: str) -> list[str]:
    """Pieces between pauses (commas and stops), for a voice that says one at a time."""
    return [p.strip() for p in _CLAUSE_END.split(text) if p.strip()]


def spell_letters(text: str) -> str:
    """Latin letters as Chinese speakers read them (SQ → 艾斯扣)."""
    return re.sub(r"[A-Za-z]+", lambda m: "".join(LETTERS_ZH[c] for c in m.group(0).upper()), text)


def _trim_numbered_lines(text: str) -> str:
    """Keep at most three numbered choices, each a sentence of its own."""
    kept, options = [], 0
    for line in text.splitlines():
        numbered = _NUMBERED_LINE.match(line)
        if numbered:
            options += 1
            if options > MAX_OPTIONS:
                continue
            line = f"{numbered.group(1)}，{line[numbered.end():].strip()}。"
        if line.strip():
            kept.append(line.strip())
    return re.sub(r"\s+", " ", "\n".join(kept)).strip()


def spoken_menu(buttons: Iterable[dict[str, Any]]) -> str:
    titles = [str(b.get("title", "")).strip() for b in buttons]
    titles = [t for t in titles if t][:MAX_OPTIONS]
    if not titles:
        return ""
    return "您可以说：" + "；".join(titles) + "。"


def spoken_reply(messages: list[dict[str, Any]]) -> list[str]:
    """Rasa bot messages to the sentences the caller hears, in order."""
    said = []
    for message in messages:
        text = speakable(str(message.get("text") or ""))
        menu = spoken_menu(message.get("buttons") or [])
        for part in (text, menu):
            if part:
                said.append(part)
    return said
