"""Inline SVG bar charts, rendered on the server: no script, no network, text escaped."""
from __future__ import annotations

from html import escape

BAR_H = 26
LABEL_W = 190
WIDTH = 520
MAX_LABEL = 12


def bar_chart(title: str, rows: list[tuple[str, float]], value_format: str = "{:g}") -> str:
    """A horizontal bar chart; `rows` are (label, value)."""
    if not rows:
        return f'<figure class="chart"><figcaption>{escape(title)}</figcaption><p class="empty">暂无数据</p></figure>'
    top = max(v for _, v in rows) or 1
    height = BAR_H * len(rows) + 10
    bars = []
    for i, (label, value) in enumerate(rows):
        y = 5 + i * BAR_H
        width = max(2, (WIDTH - LABEL_W - 70) * value / top)
        text = str(label) if len(str(label)) <= MAX_LABEL else str(label)[:MAX_LABEL - 1] + "…"
        bars.append(
            f'<g><title>{escape(str(label))}</title>'
            f'<text x="{LABEL_W - 8}" y="{y + 17}" text-anchor="end">{escape(text)}</text></g>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{width:.1f}" height="{BAR_H - 8}" rx="3"></rect>'
            f'<text x="{LABEL_W + width + 6:.1f}" y="{y + 17}">{escape(value_format.format(value))}</text>')
    return (f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
            f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg></figure>')
