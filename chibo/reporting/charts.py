"""Server-side SVG charts: plain markup, no JavaScript, no remote asset.

The drawing is sized in viewBox units and scaled to the screen by CSS (width 100%), so on a 360 px phone
one unit is a little less than one CSS pixel: text is drawn at 12–13 units to stay readable there.
"""

import datetime as dt
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from chibo.reporting.indicators import Indicator, fmt_percent

WIDTH, HEIGHT = 340, 210
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 14, 48  # room for the axis labels and two rows of month labels


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def line_chart(
    months: list[dt.date],
    values: list[Indicator | None],
    *,
    title: str,
    target: Decimal | None = None,
    month_label=None,
) -> SafeString:
    """A 0–100% line over the months; a gap where a month has no value; a dashed line at the target.
    Every point carries a <title> with its exact numbers (a tooltip, and read by screen readers)."""
    month_label = month_label or (lambda m: f"T{m.month}/{m.year % 100:02d}")
    plot_w = WIDTH - LEFT - RIGHT
    step = plot_w / max(len(months), 1)
    xs = [LEFT + step * (i + 0.5) for i in range(len(months))]
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for percent in (0, 50, 100):
        y = _fmt(_y(percent))
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}"/>')
        parts.append(
            f'<text class="axis" x="{LEFT - 4}" y="{_fmt(_y(percent) + 4)}" text-anchor="end">{percent}%</text>'
        )
    if target is not None:
        y = _fmt(_y(float(target)))
        parts.append(
            f'<line class="target" x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}">'
            f"<title>Chỉ tiêu {escape(fmt_percent(target))}</title></line>"
        )
    # Consecutive months with values form one segment; a month without data breaks the line.
    segment: list[str] = []
    segments = [segment]
    for x, value in zip(xs, values, strict=True):
        if value is None or value.percent is None:
            segment = []
            segments.append(segment)
            continue
        segment.append(f"{_fmt(x)},{_fmt(_y(float(value.percent)))}")
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline class="line" points="{" ".join(seg)}"/>')
    for i, (x, month, value) in enumerate(zip(xs, months, values, strict=True)):
        label = month_label(month)
        if value is not None and value.percent is not None:
            tip = f"{label}: {fmt_percent(value.percent)} ({value.numerator}/{value.denominator})"
            parts.append(
                f'<circle class="pt" data-month="{month:%Y-%m}" cx="{_fmt(x)}" '
                f'cy="{_fmt(_y(float(value.percent)))}" r="4"><title>{escape(tip)}</title></circle>'
            )
        else:
            parts.append(
                # Below the 0% line, so a month without data is never read as 0%.
                f'<circle class="pt empty" data-month="{month:%Y-%m}" cx="{_fmt(x)}" cy="{_fmt(_y(0) + 6)}" r="2.5">'
                f"<title>{escape(label)}: chưa có số liệu</title></circle>"
            )
        # Two staggered rows so twelve labels fit a phone without overlapping.
        y = HEIGHT - BOTTOM + 17 + (15 if i % 2 else 0)
        parts.append(f'<text class="month" x="{_fmt(x)}" y="{y}" text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)
