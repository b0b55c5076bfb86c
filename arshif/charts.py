"""Bar charts of articles per month, drawn as SVG at build time (no script needed to read them)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

MONTHLY_UP_TO = 36  # months: a longer timeline has a bar a year...
MAX_BARS = 60  # ...and past this many years a bar for each group of years: a chart stays small whatever the dates
YEAR_GROUPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


@dataclass(frozen=True)
class Bar:
    label: str  # shown under the bar
    title: str  # full text for screen readers and the tooltip
    count: int
    count_text: str
    href: str | None


@dataclass(frozen=True)
class BarShape:
    x: float
    y: float
    width: float
    height: float
    bar: Bar


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: float
    shapes: tuple[BarShape, ...]


def bar_chart(bars: list[Bar], bar_width: int = 26, gap: int = 6, plot_height: int = 120) -> Chart:
    """Lay bars out right to left, as Arabic readers read a time line."""
    top_margin, bottom_margin = 22, 26
    tallest = max((b.count for b in bars), default=0) or 1
    width = len(bars) * (bar_width + gap) + gap
    baseline = top_margin + plot_height
    shapes = []
    for index, bar in enumerate(bars):
        height = round(plot_height * bar.count / tallest, 1)
        x = width - gap - (index + 1) * (bar_width + gap) + gap
        shapes.append(BarShape(x, baseline - height, bar_width, height, bar))
    return Chart(width, int(baseline + bottom_margin), baseline, tuple(shapes))


@dataclass(frozen=True)
class Span:
    """One bar of a timeline: a month, a year, or a group of years."""

    first: tuple[int, int]  # (year, month) of its first month
    last: tuple[int, int]  # and of its last (the same, for a month)
    count: int


@dataclass(frozen=True)
class Timeline:
    years_per_bar: int  # 0: a bar a month
    spans: tuple[Span, ...]


def timeline(months: list[tuple[tuple[int, int], int]]) -> Timeline:
    """Bars for article counts per (year, month), oldest first: a bar a month over a short time,
    a year over a longer one, and past MAX_BARS years a group of 2, 5, 10, 20... years (each
    starting at a multiple of its size), so that dates far apart (year 1 and 9999) give at most
    MAX_BARS bars, never one a month between them."""
    (y0, m0), (y1, m1) = months[0][0], months[-1][0]
    if (y1 - y0) * 12 + m1 - m0 < MONTHLY_UP_TO:
        counts = dict(months)
        every = [(y0 + (m0 - 1 + i) // 12, (m0 - 1 + i) % 12 + 1) for i in range((y1 - y0) * 12 + m1 - m0 + 1)]
        return Timeline(0, tuple(Span(month, month, counts.get(month, 0)) for month in every))
    size = next(n for n in YEAR_GROUPS if y1 // n - y0 // n < MAX_BARS)
    totals: Counter = Counter()
    for (year, _), n in months:
        totals[year // size] += n
    groups = range(y0 // size, y1 // size + 1)
    return Timeline(size, tuple(Span((max(g * size, y0), 1), (min(g * size + size - 1, y1), 12), totals[g]) for g in groups))
