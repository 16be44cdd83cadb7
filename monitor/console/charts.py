"""Chart geometry computed on the server and drawn as plain SVG/HTML by the templates.

No chart script runs in the browser: the pages stay readable without JavaScript, and the
Content-Security-Policy needs no inline styles (colours are CSS classes, sizes attributes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from seeds.loader import GROUPS
from storage.console.dashboard import NarrativeKey
from storage.console.narratives import TimelineRow

PALETTE_SIZE = 12
HEAT_LEVELS = 6


def group_class(group: str | None) -> str:
    """A stable CSS class per actor group: known groups first, others by hash."""
    name = group or "unassigned"
    if name in GROUPS:
        return f"g{GROUPS.index(name)}"
    if name == "unassigned":
        return "g-none"
    digest = hashlib.sha256(name.encode()).digest()
    return f"g{len(GROUPS) + digest[0] % (PALETTE_SIZE - len(GROUPS))}"


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@dataclass(frozen=True)
class HeatCell:
    day: date
    value: int
    level: int


@dataclass(frozen=True)
class HeatRow:
    key: str
    name: str
    cells: list[HeatCell]
    total: int


def heatmap(counts: Mapping[tuple[str, date], int], narratives: Sequence[NarrativeKey],
            days: Sequence[date]) -> list[HeatRow]:
    """One row per narrative, one cell per day; level 0 is none, 1..5 scale to the maximum."""
    peak = max(counts.values(), default=0)
    rows = []
    for n in narratives:
        key = n["key"]
        cells = []
        for day in days:
            value = counts.get((key, day), 0)
            level = 0 if value == 0 or peak == 0 else max(
                1, round(value / peak * (HEAT_LEVELS - 1)))
            cells.append(HeatCell(day, value, level))
        rows.append(HeatRow(key, n["names"].get("en") or key, cells,
                            sum(c.value for c in cells)))
    return rows


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    group: str
    css: str
    day: date
    value: int


@dataclass
class StackedChart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    legend: list[tuple[str, str, int]] = field(default_factory=list)  # group, css, total
    peak: int = 0
    ticks: list[tuple[float, str]] = field(default_factory=list)
    plot_top: int = 10
    plot_bottom: int = 0


def stacked_by_group(rows: Iterable[TimelineRow], days: Sequence[date],
                     width: int = 900, height: int = 220) -> StackedChart:
    """Daily bars stacked by group, from rows with `day`, `group` and `posts`."""
    per_day: dict[date, dict[str, int]] = {d: {} for d in days}
    totals: dict[str, int] = {}
    for r in rows:
        day, group, value = r["day"], r["group"], r["posts"]
        if day in per_day:
            per_day[day][group] = per_day[day].get(group, 0) + value
            totals[group] = totals.get(group, 0) + value
    plot_top, plot_bottom, left = 10, height - 24, 36
    chart = StackedChart(width, height, plot_top=plot_top, plot_bottom=plot_bottom)
    chart.peak = max((sum(v.values()) for v in per_day.values()), default=0)
    order = sorted(totals, key=lambda g: (-totals[g], g))
    chart.legend = [(g, group_class(g), totals[g]) for g in order]
    if not days:
        return chart
    slot = (width - left - 4) / len(days)
    scale = (plot_bottom - plot_top) / chart.peak if chart.peak else 0.0
    for i, day in enumerate(days):
        x = left + i * slot
        y = float(plot_bottom)
        for group in order:
            value = per_day[day].get(group, 0)
            if not value:
                continue
            h = value * scale
            y -= h
            chart.bars.append(Bar(round(x + 1, 1), round(y, 1), round(max(slot - 2, 1), 1),
                                  round(h, 1), group, group_class(group), day, value))
    step = max(1, len(days) // 8)
    chart.ticks = [(round(left + i * slot + slot / 2, 1), d.strftime("%d %b"))
                   for i, d in enumerate(days) if i % step == 0]
    return chart
