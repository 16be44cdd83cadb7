"""Messaging convergence (DESIGN §4–5): the public API used by the CLI, digest and console.

Every measure is computed in PostgreSQL over the narrow, trigger-maintained
narrative_posts table, per-post matching features and per-day rollups (migrations 030–031);
nothing loads posts into Python. All results are JSON-ready: times are ISO 8601 UTC strings
with a Z, days are ISO dates.

- event_report / period_report: adopters, windows, groups, time to k, first mover,
  pre-positioning (storage.convergence.prepositioned), coordinated copies and shared
  phrases (storage.convergence.copies, storage.convergence.clusters) and the score
  (formula in storage.convergence.event); for an event, which event each post answers when
  events overlap (storage.convergence.attribution) and the significance against placebo
  windows (storage.convergence.significance).
- daily_series, refresh_rollups, rebuild_rollups: storage.convergence.series.
- propose_candidate_events, confirm_candidate, dismiss_candidate:
  storage.convergence.candidates.
- lead_lag: storage.convergence.leadlag.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from storage.convergence.attribution import NO_RIVALS, Rivals, rivals
from storage.convergence.candidates import (
    confirm_candidate,
    dismiss_candidate,
    propose_candidate_events,
)
from storage.convergence.common import (
    ANALYSIS_SETTINGS,
    ConvergenceError,
    Window,
    analysis_settings,
    check_narratives,
    fetch,
    iso,
    utc,
)
from storage.convergence.copies import (
    Copies,
    Phrases,
    coordinated_copies,
    copies_and_phrases,
    shared_phrases,
)
from storage.convergence.event import adoption_measures
from storage.convergence.images import image_copies
from storage.convergence.leadlag import lead_lag
from storage.convergence.series import daily_series, dirty_days, rebuild_rollups, refresh_rollups
from storage.convergence.significance import significance
from storage.database import Conn
from storage.snapshot import exported_snapshot, following_snapshot

__all__ = [
    "ConvergenceError", "confirm_candidate", "daily_series", "dirty_days", "dismiss_candidate",
    "event_report", "find_event", "lead_lag", "period_report", "propose_candidate_events",
    "rebuild_rollups", "refresh_rollups",
]

T = TypeVar("T")

_EVENT_BY_ID = """
SELECT id, name, occurred_at, description, source, status FROM events WHERE id = %(id)s
"""
_EVENT_BY_NAME = """
SELECT id, name, occurred_at, description, source, status FROM events
WHERE lower(name) = lower(%(name)s)
"""
_EVENTS_IN = """
SELECT id, name, occurred_at, status FROM events
WHERE occurred_at >= %(since)s AND occurred_at < %(until)s AND status = 'confirmed'
ORDER BY occurred_at, id
"""


def find_event(conn: Conn, ref: int | str) -> dict[str, Any]:
    """An event by id or (case-insensitive) name; ConvergenceError when there is none."""
    text = str(ref).strip()
    rows = fetch(conn, _EVENT_BY_ID, {"id": int(text)}) if text.isdigit() else []
    if not rows:
        rows = fetch(conn, _EVENT_BY_NAME, {"name": text})
    if not rows:
        raise ConvergenceError(f"no event with id or name {text!r} (see: chorus events list)")
    return rows[0]


def event_report(
    conn: Conn,
    event_id: int | str,
    *,
    narrative: str | None = None,
    k: int = 3,
    pre_days: float = 7,
    post_hours: float = 72,
    helpers: Sequence[Conn] = (),
) -> dict[str, Any]:
    """The convergence report of DESIGN §5 for one event (id or name).

    With helpers (other idle connections to the same database), the three independent parts
    run at once in one snapshot (storage.snapshot): adoption measures on conn, coordinated
    copies and shared phrases on the helpers (both on one helper when only one is given).

    Returns {'event': {id, name, occurred_at, description, source, status},
    'parameters': {k, pre_days, post_hours, window}, 'narratives': [...]}, one entry per
    narrative (or only `narrative`), highest score first. Each entry has narrative, name,
    threshold, adopters (each actor, group, first_post_at, lag_hours, platform, url,
    post_id; in lead–lag order), adopters_by_window ('1h', '6h', '24h', '72h'),
    groups_24h, time_to_k_hours (None when fewer than k adopted), first_mover (the first
    adopter's entry or None), adopters_elsewhere (actors whose posts in the window all
    answer another event, each with that `event`: storage.convergence.attribution),
    converged (at least k adopters or score >= 0.5), prepositioned (posts in
    [T0 - pre_days, T0) that matter: the narrative converged or the post names the event;
    earliest first, at most 50: each actor, group, platform, posted_at, hours_before,
    edited_after_event, edited_at, versions, names_event, answers_event, url, post_id,
    text), prepositioned_other (the other posts before the event, alike), with
    prepositioned_posts and prepositioned_actors counting all of them, coordinated_copies
    (clusters in the post window: text, identical, first_at, last_at, span_minutes, actors,
    actors_with_forwards, groups, posts, forwards), forward_cascades,
    coordinated_copies_note (None, or why the clusters may be incomplete), shared_phrases
    (adoption posts: phrase, actors, uses, used_by, surface: the phrase as one of them
    wrote it, surface_post_id), observers ({posts, sources}: shown
    apart, never counted), weighted_adopters, score in [0, 1] and significance
    (observed_24h, expected_24h, placebo_p, lift, placebo_windows, note:
    storage.convergence.significance).
    """
    _check_parameters(k, pre_days, post_hours)
    event = find_event(conn, event_id)
    t0 = utc(event["occurred_at"], "event time")
    window = Window(t0, t0 - timedelta(days=pre_days), t0 + timedelta(hours=post_hours))
    with analysis_settings(conn):
        competing = rivals(conn, int(event["id"]), window)
        narratives = _narrative_reports(conn, window, narrative, k, helpers, competing)
    return {
        "event": {
            "id": int(event["id"]), "name": event["name"], "occurred_at": iso(t0),
            "description": event["description"], "source": event["source"],
            "status": event["status"],
        },
        "parameters": {"k": k, "pre_days": pre_days, "post_hours": post_hours,
                       "window": _window_json(window)},
        "narratives": narratives,
    }


def period_report(
    conn: Conn,
    since: datetime,
    until: datetime,
    *,
    narrative: str | None = None,
    k: int = 3,
    helpers: Sequence[Conn] = (),
) -> dict[str, Any]:
    """The same measures for a period without an event: T0 is `since`, adoption counts
    posts in [since, until), lags are hours after `since`, nothing is pre-positioned.

    Returns {'event': None, 'period': {since, until}, 'parameters', 'events' (confirmed
    events in the period), 'narratives': [...]} where each narrative entry has the keys of
    event_report plus 'daily' (its daily_series rows over the period).
    """
    _check_parameters(k, 0, 0)
    start, end = utc(since, "since"), utc(until, "until")
    if end <= start:
        raise ConvergenceError(f"until ({iso(end)}) must be after since ({iso(start)})")
    window = Window(start, start, end - timedelta(microseconds=1))
    last_day: date = (end - timedelta(microseconds=1)).date()
    with analysis_settings(conn):
        narratives = _narrative_reports(conn, window, narrative, k, helpers)
        series = daily_series(conn, start.date(), last_day,
                              narratives=[narrative] if narrative else None)
    for entry in narratives:
        entry["daily"] = [row for row in series if row["narrative"] == entry["narrative"]]
    events = fetch(conn, _EVENTS_IN, {"since": start, "until": end})
    return {
        "event": None,
        "period": {"since": iso(start), "until": iso(end)},
        "parameters": {"k": k, "window": _window_json(window)},
        "events": [{"id": int(e["id"]), "name": e["name"],
                    "occurred_at": iso(e["occurred_at"])} for e in events],
        "narratives": narratives,
    }


def _narrative_reports(
    conn: Conn, window: Window, narrative: str | None, k: int,
    helpers: Sequence[Conn] = (), competing: Rivals = NO_RIVALS,
) -> list[dict[str, Any]]:
    if narrative is not None:
        check_narratives(conn, [narrative])
    shaped = _reports(conn, window, narrative, k, helpers, competing)
    # The same card re-posted by several actors, apart from the text copies (issue 17).
    cards = image_copies(conn, window, narrative)
    for entry in shaped:
        entry["image_copies"] = cards.get(entry["narrative"], [])
    return shaped


def _reports(
    conn: Conn, window: Window, narrative: str | None, k: int,
    helpers: Sequence[Conn], competing: Rivals,
) -> list[dict[str, Any]]:
    if not helpers:
        measures = _measures(conn, window, narrative, k, competing)
        copies, phrases = copies_and_phrases(conn, window, narrative)
        return _shaped(measures, copies, phrases)
    with exported_snapshot(conn) as snapshot, ThreadPoolExecutor(max_workers=2) as pool:
        if len(helpers) == 1:
            both = pool.submit(_in_snapshot, helpers[0], snapshot, copies_and_phrases,
                               window, narrative)
        else:
            copies_part = pool.submit(_in_snapshot, helpers[0], snapshot, coordinated_copies,
                                      window, narrative)
            phrases_part = pool.submit(_in_snapshot, helpers[1], snapshot, shared_phrases,
                                       window, narrative)
        measures = _measures(conn, window, narrative, k, competing)
        if len(helpers) == 1:
            copies, phrases = both.result()
        else:
            copies, phrases = copies_part.result(), phrases_part.result()
    return _shaped(measures, copies, phrases)


def _measures(conn: Conn, window: Window, narrative: str | None, k: int,
              competing: Rivals) -> list[dict[str, Any]]:
    """Adoption measures; for an event, each with its significance against placebo times."""
    measures = adoption_measures(conn, window, narrative, k, rivals=competing)
    if competing.anchor is not None:
        found = significance(conn, competing.anchor, window.t0,
                             {e["narrative"]: e["adopters_by_window"]["24h"] for e in measures})
        for entry in measures:
            entry["significance"] = found[entry["narrative"]]
    return measures


def _shaped(measures: list[dict[str, Any]], copies: Copies,
            phrases: Phrases) -> list[dict[str, Any]]:
    for entry in measures:
        found = copies.of(entry["narrative"])
        entry["coordinated_copies"] = found["coordinated"]
        entry["forward_cascades"] = found["forward_cascades"]
        entry["coordinated_copies_note"] = copies.note
        entry["shared_phrases"] = phrases.get(entry["narrative"], [])
    # Key order of DESIGN §5 first, extras after.
    order = ("narrative", "name", "adopters", "adopters_by_window", "groups_24h",
             "time_to_k_hours", "first_mover", "prepositioned", "coordinated_copies",
             "shared_phrases", "score", "significance")
    shaped = [{**{key: e[key] for key in order if key in e}, **e} for e in measures]
    shaped.sort(key=lambda e: (-e["score"], e["narrative"]))
    return shaped


def _in_snapshot(helper: Conn, snapshot: str,
                 part: Callable[[Conn, Window, str | None], T],
                 window: Window, narrative: str | None) -> T:
    with following_snapshot(helper, snapshot, ANALYSIS_SETTINGS):
        return part(helper, window, narrative)


def _window_json(window: Window) -> dict[str, Any]:
    return {"t0": iso(window.t0), "pre_start": iso(window.pre_start),
            "post_end": iso(window.post_end)}


def _check_parameters(k: int, pre_days: float, post_hours: float) -> None:
    if k < 1:
        raise ConvergenceError(f"k must be at least 1, got {k}")
    if pre_days < 0:
        raise ConvergenceError(f"pre-window must not be negative, got {pre_days} days")
    if post_hours < 0:
        raise ConvergenceError(f"post-window must not be negative, got {post_hours} hours")
