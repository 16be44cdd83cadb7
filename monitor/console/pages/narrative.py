"""Narratives: the list, and one narrative's timeline by actor group, adopters with first use
and lag, shared phrases and example posts."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from starlette.responses import Response

from monitor.console.charts import days_between, stacked_by_group
from monitor.console.forms import parse_moment
from monitor.console.web import NotFound, PageError, PageRequest
from storage.catalog import EventRow
from storage.console import dashboard as console_dashboard
from storage.console import events as console_events
from storage.console import narratives as console_narratives
from storage.console.narratives import Adopter
from storage.convergence.common import Window
from storage.convergence.copies import shared_phrases

DEFAULT_DAYS = 30
MAX_DAYS = 366
SHOWN_ADOPTERS = 500  # bounded by the watchlist anyway; the figures count every one


class _Lagged(Adopter):
    lag_hours: float | None  # after the event, or after the first adopter


def narratives_page(req: PageRequest) -> Response:
    with req.state.db.connection() as conn:
        narratives = console_dashboard.narrative_keys(conn)
    return req.render("narratives.html", narratives=narratives)


def _period(req: PageRequest, newest: datetime | None,
            event: EventRow | None) -> tuple[datetime, datetime]:
    try:
        until = parse_moment(req.query["until"], "until", end_of_day=True) \
            if req.query.get("until") else None
        since = parse_moment(req.query["since"], "since") if req.query.get("since") else None
    except ValueError as exc:
        raise PageError(str(exc)) from None
    if event is not None and until is None and since is None:
        # Around the event: its pre-window and post-window (settings), as its report uses.
        t0 = event["occurred_at"]
        config = req.state.config
        return (t0 - timedelta(days=config.pre_window_days),
                t0 + timedelta(hours=config.post_window_hours))
    if until is None:
        anchor = (newest or datetime.now(UTC)).astimezone(UTC).date()
        until = datetime.combine(anchor + timedelta(days=1), time(), tzinfo=UTC)
    if since is None:
        since = until - timedelta(days=DEFAULT_DAYS)
    if since >= until:
        raise PageError("since must be before until")
    if until - since > timedelta(days=MAX_DAYS):
        raise PageError(f"the period may span at most {MAX_DAYS} days")
    return since, until


def narrative_page(req: PageRequest) -> Response:
    key = str(req.request.path_params["key"])
    event_ref = req.query.get("event", "").strip()
    with req.state.db.connection() as conn:
        narrative = console_narratives.find_narrative(conn, key)
        if narrative is None:
            raise NotFound(f"no narrative {key!r}")
        event = None
        if event_ref:
            if not event_ref.isdigit():
                raise PageError("event must be an event id")
            event = console_events.get_event(conn, int(event_ref))
            if event is None:
                raise NotFound(f"no event with id {event_ref}")
        since, until = _period(req, console_narratives.newest_narrative_post(conn, key), event)
        figures = console_narratives.figures(conn, key, since, until)
        timeline = console_narratives.timeline(conn, key, since, until)
        first_uses = console_narratives.adopters(conn, key, since, until)
        examples = console_narratives.examples(conn, key, since, until)
        window = Window(since, since, until - timedelta(microseconds=1))
        phrases = shared_phrases(conn, window, key).get(key, [])
    anchor = event["occurred_at"] if event else (
        first_uses[0]["first_post_at"] if first_uses else None)
    adopters: list[_Lagged] = [
        {**a, "lag_hours": None if anchor is None else round(
            (a["first_post_at"] - anchor).total_seconds() / 3600, 2)} for a in first_uses]
    days = days_between(since.date(), (until - timedelta(seconds=1)).date())
    all_adopters = len(adopters)
    return req.render(
        "narrative.html", narrative=narrative, figures=figures,
        adopters=adopters[:SHOWN_ADOPTERS], all_adopters=all_adopters,
        examples=examples, phrases=phrases, chart=stacked_by_group(timeline, days),
        since=since, until=until, event=event, anchor=anchor,
        since_text=since.date().isoformat(),
        until_text=(until - timedelta(seconds=1)).date().isoformat())
