"""Events: the list, adding one, confirming or dismissing candidates, and one event's
convergence report (DESIGN §4) with a lead–lag timeline."""

from __future__ import annotations

from starlette.responses import Response

from monitor.console.charts import lead_lag
from monitor.console.forms import parse_moment
from monitor.console.web import NotFound, PageError, PageRequest, int_param
from storage import catalog, console_dashboard, console_events
from storage.convergence import (
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
    active = [n for n in report["narratives"]
              if n["adopters"] or n["prepositioned"] or n["coordinated_copies"]]
    idle = [n for n in report["narratives"] if n not in active]
    shown = {n["narrative"]: {
        "adopters": n["adopters"][:SHOWN_ADOPTERS],
        # The posts closest to T0 first: the pre-positioning that matters most.
        "prepositioned": sorted(n["prepositioned"],
                                key=lambda p: float(p["hours_before"]))[:SHOWN_PREPOSITIONED],
        "copies": n["coordinated_copies"][:SHOWN_COPIES]} for n in active}
    charts = {key: lead_lag(lists["adopters"], lists["prepositioned"], pre_days * 24.0,
                            float(post_hours))
              for key, lists in shown.items()}
    return req.render("event.html", event=event, report=report, active=active, idle=idle,
                      charts=charts, shown=shown, k=k,
                      pre_days=pre_days, post_hours=post_hours, narrative=narrative,
                      narratives=narratives)
