"""Inline SVG bar charts, rendered on the server: no script, no network, text escaped."""
from __future__ import annotations

from html import escape

BAR_H = 26
LABEL_W = 190
WIDTH = 520
MAX_LABEL = 12


def bar_chart(title: str, rows: list[tuple], value_format: str = "{:g}") -> str:
    """A horizontal bar chart; `rows` are (label, value) or (label, value, text after the bar)."""
    if not rows:
        return f'<figure class="chart"><figcaption>{escape(title)}</figcaption><p class="empty">暂无数据</p></figure>'
    top = max(row[1] for row in rows) or 1
    height = BAR_H * len(rows) + 10
    after = max(_text_width(row[2] if len(row) > 2 else value_format.format(row[1])) for row in rows)
    room = WIDTH - LABEL_W - min(WIDTH - LABEL_W - 60, max(70, after + 12))
    bars = []
    for i, (label, value, *shown) in enumerate(rows):
        y = 5 + i * BAR_H
        width = max(2, room * value / top)
        text = str(label) if len(str(label)) <= MAX_LABEL else str(label)[:MAX_LABEL - 1] + "…"
        bars.append(
            f'<g><title>{escape(str(label))}</title>'
            f'<text x="{LABEL_W - 8}" y="{y + 17}" text-anchor="end">{escape(text)}</text></g>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{width:.1f}" height="{BAR_H - 8}" rx="3"></rect>'
            f'<text x="{LABEL_W + width + 6:.1f}" y="{y + 17}">'
            f'{escape(shown[0] if shown else value_format.format(value))}</text>')
    return (f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
            f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg></figure>')


# Series of a stacked chart take the classes s0, s1, ... (colours in console.css: the
# page's style policy allows no inline style).
MAX_SERIES = 6


def stacked_bar_chart(title: str, rows: list[tuple[str, list[float]]], series: list[str]) -> str:
    """Horizontal bars split into series (e.g. a department's cases by status), with a legend."""
    if not rows or not any(sum(values) for _, values in rows):
        return _empty(title)
    top = max(sum(values) for _, values in rows) or 1
    scale = (WIDTH - LABEL_W - 70) / top
    bars = []
    for i, (label, values) in enumerate(rows):
        y, x = 5 + i * BAR_H, float(LABEL_W)
        bars.append(_label(str(label), y))
        for index, (name, value) in enumerate(zip(series[:MAX_SERIES], values)):
            if value:
                bars.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{value * scale:.1f}" height="{BAR_H - 8}" '
                            f'class="s{index}"><title>{escape(name)}：{value:g}</title></rect>')
                x += value * scale
        bars.append(f'<text x="{x + 6:.1f}" y="{y + 17}">{sum(values):g}</text>')
    legend = "".join(f'<span class="key"><i class="s{i}"></i>{escape(n)}</span>'
                     for i, n in enumerate(series[:MAX_SERIES]))
    return _figure(title, 5 + BAR_H * len(rows) + 5, "".join(bars), f'<p class="legend">{legend}</p>')


def column_chart(title: str, rows: list[tuple[str, float]]) -> str:
    """Vertical columns in order (e.g. the 24 hours of a day)."""
    if not rows or not any(v for _, v in rows):
        return _empty(title)
    top = max(v for _, v in rows) or 1
    step, plot_h = (WIDTH - 20) / len(rows), 150
    cols = []
    for i, (label, value) in enumerate(rows):
        h, x = plot_h * value / top, 10 + i * step
        cols.append(f'<rect x="{x + 1:.1f}" y="{10 + plot_h - h:.1f}" width="{step - 2:.1f}" height="{h:.1f}">'
                    f'<title>{escape(str(label))}：{value:g}</title></rect>'
                    f'<text x="{x + step / 2:.1f}" y="{plot_h + 26}" text-anchor="middle" class="tick">'
                    f'{escape(str(label))}</text>')
    return _figure(title, plot_h + 32, "".join(cols))


def _text_width(text: str) -> float:
    """About how wide a label is in the charts' 15 px font (CJK full width, Latin half)."""
    return sum(15 if ord(ch) > 0x2E7F else 8.5 for ch in text)


def _label(label: str, y: int) -> str:
    text = label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"
    return (f'<g><title>{escape(label)}</title>'
            f'<text x="{LABEL_W - 8}" y="{y + 17}" text-anchor="end">{escape(text)}</text></g>')


def _empty(title: str) -> str:
    return f'<figure class="chart"><figcaption>{escape(title)}</figcaption><p class="empty">暂无数据</p></figure>'


def _figure(title: str, height: float, body: str, after: str = "") -> str:
    return (f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
            f'<svg viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg">{body}</svg>{after}</figure>')
