"""Chart geometry computed on the server and drawn as plain SVG/HTML by the templates.

No chart script runs in the browser: the pages stay readable without JavaScript, and the
Content-Security-Policy needs no inline styles (colours are CSS classes, sizes attributes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from seeds.loader import GROUPS
from storage.console_dashboard import NarrativeKey
from storage.console_narratives import TimelineRow

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


@dataclass(frozen=True)
class LagPoint:
    x: float
    y: float
    label: str
    hours: float
    kind: str  # adopter | prepositioned
    css: str
    post_id: int | None


@dataclass
class LagChart:
    width: int
    height: int
    zero_x: float
    points: list[LagPoint]
    ticks: list[tuple[float, str]]


def lead_lag(adopters: Sequence[Mapping[str, Any]], prepositioned: Sequence[Mapping[str, Any]],
             pre_hours: float, post_hours: float, width: int = 900) -> LagChart:
    """Who said it when, relative to the event: one row per post, x = hours from T0."""
    left, right = 170, width - 20
    span = pre_hours + post_hours or 1.0

    def x_of(hours: float) -> float:
        clipped = min(max(hours, -pre_hours), post_hours)
        return round(left + (clipped + pre_hours) / span * (right - left), 1)

    points: list[LagPoint] = []
    row_height = 22
    for p in prepositioned:
        hours = -float(p.get("hours_before") or 0.0)
        points.append(LagPoint(x_of(hours), 0, str(p.get("actor") or p.get("handle") or "?"),
                               hours, "prepositioned", group_class(p.get("group")),
                               _post_id(p)))
    for a in adopters:
        hours = float(a.get("lag_hours") or 0.0)
        points.append(LagPoint(x_of(hours), 0, str(a.get("actor") or "?"), hours, "adopter",
                               group_class(a.get("group")), _post_id(a)))
    points.sort(key=lambda p: p.hours)
    placed = [LagPoint(p.x, 30 + i * row_height, p.label, p.hours, p.kind, p.css, p.post_id)
              for i, p in enumerate(points)]
    height = 50 + max(len(placed), 1) * row_height
    step = 24.0 if span <= 240 else 24.0 * round(span / 240)
    first = -step * int(pre_hours // step)
    ticks = [(x_of(first + i * step), f"{first + i * step:+.0f}h" if first + i * step else "T0")
             for i in range(int((post_hours - first) // step) + 1)]
    return LagChart(width, height, x_of(0.0), placed, ticks)


def _post_id(item: Mapping[str, Any]) -> int | None:
    value = item.get("post_id")
    return int(value) if isinstance(value, int) else None
