"""Events: the list, adding one, confirming or dismissing candidates, and one event's
convergence report (DESIGN §4): per narrative its figures and significance, a lead–lag
chart (monitor.console.leadlag), the adopters (one row per actor), pre-positioning that
mattered and the other posts before the event apart, coordinated copies, shared phrases as
the actors wrote them, and the observers apart (never counted); other events inside the
window are listed and marked on the charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from starlette.responses import Response

from monitor.console.forms import parse_moment
from monitor.console.leadlag import Nearby, lead_lag_chart
from monitor.console.web import NotFound, PageError, PageRequest, int_param
from storage import catalog
from storage.console import dashboard as console_dashboard
from storage.console import events as console_events
from storage.convergence.report import (
    ConvergenceError,
    confirm_candidate,
    dismiss_candidate,
    event_report,
)

MAX_PRE_DAYS = 60
MAX_POST_HOURS = 24 * 30
# A page shows the head of each list (lead-lag order); the figures count everything and the
# narrative page (with this event's lags) lists every adopter.
SHOWN_ADOPTERS = 40
SHOWN_PREPOSITIONED = 20
SHOWN_OTHER = 10  # the other posts before the event: context, not the story
SHOWN_ELSEWHERE = 20
SHOWN_COPIES = 15


def events_page(req: PageRequest, errors: list[str] | None = None,
                status: int = 200) -> Response:
    with req.state.db.connection() as conn:
        events = catalog.list_events(conn)
    return req.render("events.html", status=status, events=events, errors=errors or [],
                      form=req.form)


def add_event(req: PageRequest) -> Response:
    name = req.form.get("name", "").strip()
    errors = []
    if not name or len(name) > 200:
        errors.append("name: give the event a name (up to 200 characters)")
    try:
        at = parse_moment(req.form.get("at", ""), "at")
    except ValueError as exc:
        errors.append(str(exc))
    if errors:
        return events_page(req, errors, status=400)
    spec = catalog.EventSpec(name=name, at=at, description=req.form.get("description", ""),
                             source=req.form.get("source", "") or "console")
    with req.state.db.connection() as conn:
        try:
            event_id = catalog.add_event(conn, spec)
        except catalog.CatalogError as exc:
            return events_page(req, [str(exc)], status=400)
    return req.redirect(f"/events/{event_id}")


def _event_id(req: PageRequest) -> int:
    raw = str(req.request.path_params.get("event_id", ""))
    if not raw.isdigit():
        raise NotFound(f"no event {raw!r}")
    return int(raw)


def decide_event(req: PageRequest) -> Response:
    """Confirm or dismiss a candidate event proposed by the convergence job."""
    event_id = _event_id(req)
    decision = req.form.get("decision", "")
    with req.state.db.connection() as conn:
        try:
            if decision == "confirm":
                confirm_candidate(conn, event_id)
            elif decision == "dismiss":
                dismiss_candidate(conn, event_id)
            else:
                raise PageError("decision must be confirm or dismiss")
        except ConvergenceError as exc:
            raise PageError(str(exc)) from None
    return req.redirect(f"/events/{event_id}")


def event_page(req: PageRequest) -> Response:
    event_id = _event_id(req)
    config = req.state.config
    k = int_param(req.query.get("k"), "k", config.convergence_k, 1, 50)
    pre_days = int_param(req.query.get("pre_days"), "pre_days", config.pre_window_days,
                         0, MAX_PRE_DAYS)
    post_hours = int_param(req.query.get("post_hours"), "post_hours",
                           config.post_window_hours, 1, MAX_POST_HOURS)
    narrative = req.query.get("narrative", "").strip() or None
    with req.state.db.connection() as conn, req.state.db.spare_connections(2) as helpers:
        event = console_events.get_event(conn, event_id)
        if event is None:
            raise NotFound(f"no event with id {event_id}")
        narratives = console_dashboard.narrative_keys(conn)
        try:
            report = event_report(conn, event_id, narrative=narrative, k=k,
                                  pre_days=pre_days, post_hours=post_hours, helpers=helpers)
        except ConvergenceError as exc:
            raise PageError(str(exc)) from None
        t0 = event["occurred_at"]
        nearby = console_events.events_between(conn, event_id, t0 - timedelta(days=pre_days),
                                               t0 + timedelta(hours=post_hours))
    active = [n for n in report["narratives"]
              if n["adopters"] or n["prepositioned"] or n["prepositioned_other"]
              or n["coordinated_copies"] or n["observers"]["posts"]]
    idle = [n for n in report["narratives"] if n not in active]
    offsets = [Nearby(e["id"], e["name"], (e["occurred_at"] - t0).total_seconds() / 3600)
               for e in nearby]
    shown = {n["narrative"]: _shown(n) for n in active}
    charts = {key: lead_lag_chart(lists.adopters, lists.mattered, lists.others,
                                  pre_hours=pre_days * 24.0, post_hours=float(post_hours),
                                  nearby=offsets)
              for key, lists in shown.items()}
    return req.render("event.html", event=event, report=report, active=active, idle=idle,
                      charts=charts, shown=shown, k=k, nearby=nearby, offsets=offsets,
                      pre_days=pre_days, post_hours=post_hours, narrative=narrative,
                      narratives=narratives)


@dataclass(frozen=True)
class Shown:
    """The head of each list of one narrative (the figures count everything)."""

    adopters: list[dict[str, Any]]
    mattered: list[dict[str, Any]]  # pre-positioning that mattered, earliest first
    others: list[dict[str, Any]]  # the other narrative posts before the event
    copies: list[dict[str, Any]]
    elsewhere: list[dict[str, Any]]  # actors whose posts answer another event
    before_by_actor: dict[str, list[dict[str, Any]]]  # an adopter's posts before T0


def _shown(entry: dict[str, Any]) -> Shown:
    before: dict[str, list[dict[str, Any]]] = {}
    for p in [*entry["prepositioned"], *entry["prepositioned_other"]]:
        before.setdefault(str(p["actor"]), []).append(p)
    for posts in before.values():
        posts.sort(key=lambda p: -float(p["hours_before"]))
    return Shown(entry["adopters"][:SHOWN_ADOPTERS],
                 entry["prepositioned"][:SHOWN_PREPOSITIONED],
                 entry["prepositioned_other"][:SHOWN_OTHER],
                 entry["coordinated_copies"][:SHOWN_COPIES],
                 entry["adopters_elsewhere"][:SHOWN_ELSEWHERE], before)
