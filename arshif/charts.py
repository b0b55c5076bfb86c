"""Bar charts of articles per month, drawn as SVG at build time (no script needed to read them)."""

from __future__ import annotations

from dataclasses import dataclass


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
