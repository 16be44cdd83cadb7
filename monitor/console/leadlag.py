"""The event page's lead–lag chart: who said it when, one row per actor.

Two panels share the rows. The left one holds the posts before the event (pre-positioning)
on its own scale, zoomed to the earliest of them; the right one holds the adoptions, zoomed
to the adopters' span (T0 to the last adoption, rounded up to a readable hour), so eleven
adopters between +4.5 h and +12.2 h spread over the panel instead of sharing a few pixels of
a −168 h to +72 h axis. An actor's several posts (its pre-positioned posts and its adoption)
sit on its one row. Other events inside the window are drawn as lines where they fall on a
panel. Geometry only: templates/_leadlag.html draws it as SVG, with a legend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from monitor.console.charts import group_class
from monitor.console.templating import hours, moment

WIDTH = 900
LABEL_RIGHT = 176  # row labels end here; the panels start after it
PANEL_GAP = 28
PRE_SHARE = 0.25  # of the plot width, for the panel before the event
TOP = 44  # room for the panel titles and tick labels
ROW = 22
MIN_TICK_PX = 44
LABEL_CHARS = 26
# Readable spans (hours) and their tick steps; the first span that holds the posts is used.
SPANS = ((1, 0.25), (2, 0.5), (3, 1), (4, 1), (6, 1), (8, 2), (10, 2), (12, 2), (14, 2),
         (16, 4), (20, 4), (24, 4), (30, 6), (36, 6), (48, 8), (60, 12), (72, 12), (96, 24),
         (120, 24), (168, 24), (240, 48), (336, 48), (480, 96), (720, 120), (1440, 240))

ADOPTED = "adopter"
MATTERED = "prepositioned"
OTHER = "prepositioned-other"
TITLES = {ADOPTED: "adopted", MATTERED: "pre-positioned (mattered)",
          OTHER: "before the event"}


@dataclass(frozen=True)
class Marker:
    x: float
    kind: str  # ADOPTED | MATTERED | OTHER
    css: str  # the actor group's colour class
    hours: float  # from T0 (negative before)
    at: str  # ISO time of the post
    edited: bool  # edited after the event: proves nothing about before
    post_id: int | None
    y: float = 0.0  # its row's
    title: str = ""  # the tooltip: what it is, when

    @property
    def classes(self) -> str:
        return f"dot {self.css} {self.kind}" + (" edited" if self.edited else "")

    @property
    def points(self) -> str:
        """A diamond's corners (posts before the event are diamonds, adoptions circles)."""
        x, y = self.x, self.y
        return f"{x},{y - 7} {x + 7},{y} {x},{y + 7} {x - 7},{y}"


@dataclass(frozen=True)
class Row:
    y: float
    actor: str
    label: str
    group: str
    css: str
    markers: tuple[Marker, ...]


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str = "middle"  # SVG text-anchor


@dataclass(frozen=True)
class Panel:
    x0: float
    x1: float
    title: str
    span: float  # hours shown: [-span, 0] before, [0, span] after
    ticks: tuple[Tick, ...]


@dataclass(frozen=True)
class EventLine:
    x: float
    name: str
    hours: float
    event_id: int
    beyond: bool = False  # off the panel's scale: drawn at its edge


@dataclass
class LeadLagChart:
    width: int
    height: int
    zero_x: float  # T0 on the panel after the event
    before: Panel | None
    after: Panel
    rows: list[Row] = field(default_factory=list)
    events: list[EventLine] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)  # legend: group, css
    kinds: frozenset[str] = frozenset()  # marker kinds drawn (the legend shows all)
    edited: bool = False  # some marker is an edited post


@dataclass(frozen=True)
class Nearby:
    """Another event inside the report's window, hours from T0."""

    event_id: int
    name: str
    hours: float


def readable_span(hours: float, cap: float) -> tuple[float, float]:
    """(span, tick step): the first readable span at least `hours`, at most `cap`."""
    need = max(hours, 0.0)
    chosen = next(((float(sp), float(st)) for sp, st in SPANS if sp >= need), None)
    if chosen is None:
        step = float(SPANS[-1][1])
        chosen = (step * -(-need // step), step)
    span, step = chosen
    if 0 < cap < span:
        span = float(cap)
        step = next((float(st) for sp, st in SPANS if sp >= cap), step)
    return span, step


def _label(hours: float) -> str:
    if hours == 0:
        return "T0"
    text = f"{abs(hours):g}"
    return f"{'−' if hours < 0 else '+'}{text} h"


def _ticks(x_of: Callable[[float], float], span: float, step: float, sign: int,
           pixels: float) -> tuple[Tick, ...]:
    """Ticks every `step` hours from T0, the step doubled until labels are MIN_TICK_PX
    apart; the label at the chart's right edge ends there."""
    while pixels > 0 and step / span * pixels < MIN_TICK_PX:
        step *= 2
    count = int(span // step + 1e-9)
    values = [sign * step * i for i in range(count + 1)]
    if sign < 0:
        values.reverse()
    last = values[-1]
    return tuple(Tick(x_of(v), _label(v), "end" if sign > 0 and v == last and v == span
                      else "middle") for v in values)


def lead_lag_chart(
    adopters: Sequence[Mapping[str, Any]],
    mattered: Sequence[Mapping[str, Any]],
    others: Sequence[Mapping[str, Any]],
    *,
    pre_hours: float,
    post_hours: float,
    nearby: Sequence[Nearby] = (),
    width: int = WIDTH,
) -> LeadLagChart:
    """Adopters ({actor, group, lag_hours, first_post_at, post_id}) and pre-positioned posts
    ({actor, group, hours_before, posted_at, edited_after_event, post_id}), the ones that
    mattered and the others, on one row per actor."""
    right = width - 12
    plot = right - LABEL_RIGHT - 8
    befores = [*((p, MATTERED) for p in mattered), *((p, OTHER) for p in others)]
    show_before = pre_hours > 0 and bool(befores)
    earliest = max((float(p.get("hours_before") or 0.0) for p, _ in befores), default=0.0)
    last = max((float(a.get("lag_hours") or 0.0) for a in adopters), default=0.0)
    after_span, after_step = readable_span(last, post_hours)
    before_span, before_step = readable_span(earliest, pre_hours)
    x0, x1 = float(LABEL_RIGHT + 8), LABEL_RIGHT + 8 + plot * PRE_SHARE - PANEL_GAP / 2

    def before_x(hours: float) -> float:
        clipped = min(max(hours, -before_span), 0.0)
        return round(x1 + clipped / before_span * (x1 - x0), 1)

    before = None
    after_x0 = x0
    if show_before:
        before = Panel(x0, round(x1, 1), "before the event", before_span,
                       _ticks(before_x, before_span, before_step, -1, x1 - x0))
        after_x0 = x1 + PANEL_GAP

    def after_x(hours: float) -> float:
        clipped = min(max(hours, 0.0), after_span)
        return round(after_x0 + clipped / after_span * (right - after_x0), 1)

    after = Panel(round(after_x0, 1), float(right), "after the event", after_span,
                  _ticks(after_x, after_span, after_step, 1, right - after_x0))

    per_actor: dict[str, list[Marker]] = {}
    groups: dict[str, str | None] = {}
    for p, kind in befores:
        hours = -float(p.get("hours_before") or 0.0)
        actor = str(p.get("actor") or "?")
        groups.setdefault(actor, p.get("group"))
        x = before_x(hours) if before is not None else after_x(0.0)
        per_actor.setdefault(actor, []).append(Marker(
            x, kind, group_class(p.get("group")), hours, str(p.get("posted_at") or ""),
            bool(p.get("edited_after_event")), _post_id(p)))
    for a in adopters:
        hours = float(a.get("lag_hours") or 0.0)
        actor = str(a.get("actor") or "?")
        groups.setdefault(actor, a.get("group"))
        per_actor.setdefault(actor, []).append(Marker(
            after_x(hours), ADOPTED, group_class(a.get("group")), hours,
            str(a.get("first_post_at") or ""), False, _post_id(a)))
    # Rows in the order the actors first spoke: who laid the line down, then lead–lag order.
    order = sorted(per_actor, key=lambda actor: (min(m.hours for m in per_actor[actor]), actor))
    rows = [Row(TOP + 12 + i * ROW, actor, _short(actor), groups[actor] or "unassigned",
                group_class(groups[actor]),
                tuple(replace(m, y=TOP + 12 + i * ROW, title=_title(m))
                      for m in sorted(per_actor[actor], key=lambda m: m.hours)))
            for i, actor in enumerate(order)]
    height = TOP + 24 + max(len(rows), 1) * ROW
    # An event off a panel's scale is marked at that panel's edge (`beyond`).
    lines = [EventLine(before_x(e.hours) if e.hours < 0 and before is not None
                       else after_x(e.hours), e.name, e.hours, e.event_id,
                       beyond=e.hours > after.span or (
                           e.hours < 0 and (before is None or e.hours < -before.span)))
             for e in nearby]
    legend = sorted({(r.group, r.css) for r in rows})
    markers = [m for r in rows for m in r.markers]
    return LeadLagChart(width, height, after_x(0.0), before, after, rows, lines, legend,
                        frozenset(m.kind for m in markers), any(m.edited for m in markers))


def _title(m: Marker) -> str:
    edited = " · edited after the event" if m.edited else ""
    return f"{TITLES[m.kind]}: {moment(m.at)} ({hours(m.hours)}){edited}"


def _short(actor: str) -> str:
    return actor if len(actor) <= LABEL_CHARS else actor[:LABEL_CHARS - 1] + "…"


def _post_id(item: Mapping[str, Any]) -> int | None:
    value = item.get("post_id")
    return int(value) if isinstance(value, int) else None
