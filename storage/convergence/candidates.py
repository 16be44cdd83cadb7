"""Candidate events: days when several actors' posting volume rises together far above
their own baselines, proposed for an analyst to confirm (events.status = 'candidate').

An actor spikes on a UTC day when it posted at least `min_posts` posts and
(posts - mean) / max(sd, 1) >= `min_z` against its own 28 previous days (zeros counted). A
day with at least `min_actors` spiking actors is a burst; consecutive burst days are merged.
The proposed time is the start of the burst: within the first burst day, the first post of
the spiking actors in the earliest hour that reached half of the busiest hour's count.
A burst that follows a confirmed event within 24 hours is reported as explained by it and
not stored; the others are stored (one per day, by name) and can be confirmed or dismissed.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import psycopg

from storage.convergence.common import (
    ConvergenceError,
    analysis_settings,
    fetch,
    iso,
    utc,
    utc_day,
)
from storage.convergence.series import refresh_rollups
from storage.database import Conn

_SPIKES = """
WITH actor_ids AS (
    SELECT DISTINCT s.actor_id FROM sources s
    WHERE s.role = 'actor' AND s.actor_id IS NOT NULL
), grid AS (
    SELECT a.actor_id, g::date AS day
    FROM actor_ids a
    CROSS JOIN generate_series(%(lo)s::date::timestamp, %(hi)s::date::timestamp,
                               interval '1 day') AS g
), stats AS (
    SELECT g.actor_id, g.day, coalesce(d.posts, 0) AS posts,
           avg(coalesce(d.posts, 0)) OVER w AS mean,
           stddev_pop(coalesce(d.posts, 0)) OVER w AS sd
    FROM grid g
    LEFT JOIN actor_daily d ON d.actor_id = g.actor_id AND d.day = g.day
    WINDOW w AS (PARTITION BY g.actor_id ORDER BY g.day
                 ROWS BETWEEN 28 PRECEDING AND 1 PRECEDING)
), spikes AS (
    SELECT s.*, (s.posts - s.mean) / greatest(s.sd, 1) AS z
    FROM stats s
    WHERE s.day >= %(first)s::date AND s.posts >= %(min_posts)s
      AND (s.posts - s.mean) / greatest(s.sd, 1) >= %(min_z)s
)
SELECT sp.day, count(*) AS actors, count(DISTINCT a.group_key) AS groups,
       jsonb_agg(jsonb_build_object(
           'actor_id', a.id, 'actor', a.name, 'group', a.group_key, 'posts', sp.posts,
           'baseline_mean', round(sp.mean::numeric, 2), 'baseline_sd', round(sp.sd::numeric, 2),
           'z', round(sp.z::numeric, 2)) ORDER BY sp.z DESC, a.name) AS involved
FROM spikes sp
JOIN actors a ON a.id = sp.actor_id
GROUP BY sp.day
HAVING count(*) >= %(min_actors)s
ORDER BY sp.day
"""

_ONSET = """
WITH hours AS (
    SELECT date_bin(interval '1 hour', p.posted_at, convergence_day_start(%(day)s::date)) AS hour,
           count(*) AS posts, min(p.posted_at) AS first_at
    FROM posts p
    JOIN sources s ON s.id = p.source_id AND s.role = 'actor'
    WHERE s.actor_id = ANY (%(actor_ids)s::bigint[])
      AND p.posted_at >= convergence_day_start(%(day)s::date)
      AND p.posted_at < convergence_day_start(%(day)s::date + 1)
    GROUP BY 1
), peak AS (SELECT max(posts) AS top FROM hours)
SELECT (array_agg(h.first_at ORDER BY h.hour) FILTER (WHERE h.posts * 2 >= peak.top))[1]
           AS onset,
       (array_agg(h.hour ORDER BY h.posts DESC, h.hour))[1] AS peak_hour
FROM hours h, peak
"""

_EXPLAINED_BY = """
SELECT name FROM events
WHERE status = 'confirmed'
  AND occurred_at BETWEEN %(at)s - interval '24 hours' AND %(at)s
ORDER BY occurred_at
"""

_STORE = """
INSERT INTO events AS e (name, occurred_at, description, source, status, detail)
VALUES (%(name)s, %(at)s, %(description)s, 'chorus convergence candidates', 'candidate',
        %(detail)s::jsonb)
ON CONFLICT (name) DO UPDATE SET occurred_at = EXCLUDED.occurred_at,
    description = EXCLUDED.description, detail = EXCLUDED.detail
WHERE e.status = 'candidate'
RETURNING id, status
"""

_EXISTING = "SELECT id, status FROM events WHERE name = %(name)s"


def propose_candidate_events(
    conn: Conn,
    since: date | datetime,
    until: date | datetime,
    *,
    min_actors: int = 3,
    min_z: float = 3.0,
    min_posts: int = 3,
    store: bool = True,
) -> list[dict[str, Any]]:
    """Bursts in the UTC days [since, until], oldest first.

    Each: at (proposed event time), days, peak_hour, actors (count), groups (count),
    involved ([{actor_id, actor, group, posts, baseline_mean, baseline_sd, z}]),
    explained_by (confirmed events in the 24 h before `at`), and — when stored — id, name
    and status ('candidate', or what an analyst already decided for that name).
    Refreshes the rollups first.
    """
    first, last = utc_day(since, "since"), utc_day(until, "until")
    if last < first:
        raise ConvergenceError(f"until ({last}) is before since ({first})")
    if min_actors < 2:
        raise ConvergenceError(f"a burst needs at least 2 actors, got min_actors={min_actors}")
    refresh_rollups(conn)
    with analysis_settings(conn):
        rows = fetch(conn, _SPIKES, {"first": first, "lo": first - timedelta(days=28),
                                     "hi": last, "min_posts": min_posts, "min_z": min_z,
                                     "min_actors": min_actors})
    proposals: list[dict[str, Any]] = []
    for burst in _merge_consecutive(rows):
        proposal, at = _describe(conn, burst)
        if store and not proposal["explained_by"]:
            proposal.update(_store(conn, proposal, at))
        proposals.append(proposal)
    return proposals


def _merge_consecutive(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: list[dict[str, Any]] = []
    for row in rows:
        day: date = row["day"]
        if merged and merged[-1]["days"][-1] + timedelta(days=1) == day:
            last = merged[-1]
            last["days"].append(day)
            known = {i["actor_id"] for i in last["involved"]}
            last["involved"] += [i for i in row["involved"] if i["actor_id"] not in known]
        else:
            merged.append({"days": [day], "first_day_involved": row["involved"],
                           "involved": list(row["involved"])})
    return merged


def _describe(
    conn: Conn, burst: dict[str, Any]
) -> tuple[dict[str, Any], datetime]:
    day: date = burst["days"][0]
    actor_ids = [int(i["actor_id"]) for i in burst["first_day_involved"]]
    onset = fetch(conn, _ONSET, {"day": day, "actor_ids": actor_ids})[0]
    at: datetime = utc(onset["onset"], "burst onset")
    explained = fetch(conn, _EXPLAINED_BY, {"at": at})
    involved = burst["involved"]
    return {
        "at": iso(at),
        "days": [d.isoformat() for d in burst["days"]],
        "peak_hour": iso(onset["peak_hour"]),
        "actors": len(involved),
        "groups": len({i["group"] for i in involved}),
        "involved": involved,
        "explained_by": [e["name"] for e in explained],
    }, at


def _store(
    conn: Conn, proposal: dict[str, Any], at: datetime
) -> dict[str, Any]:
    name = f"Candidate burst {proposal['days'][0]}"
    names = ", ".join(i["actor"] for i in proposal["involved"][:5])
    more = len(proposal["involved"]) - 5
    description = (f"{proposal['actors']} actors in {proposal['groups']} groups posted far "
                   f"above their baseline: {names}" + (f" and {more} more" if more > 0 else ""))
    detail = {key: proposal[key] for key in ("days", "peak_hour", "involved")}
    params = {"name": name, "at": at, "description": description,
              "detail": json.dumps(detail, ensure_ascii=False)}
    rows = fetch(conn, _STORE, params) or fetch(conn, _EXISTING, {"name": name})
    return {"id": int(rows[0]["id"]), "name": name, "status": rows[0]["status"]}


def _decide(
    conn: Conn, event_id: int, status: str,
    name: str | None, at: datetime | None,
) -> dict[str, Any]:
    try:
        with conn.transaction():
            rows = fetch(conn, """
                UPDATE events SET status = %(status)s,
                       name = coalesce(%(name)s, name),
                       occurred_at = coalesce(%(at)s, occurred_at)
                WHERE id = %(id)s AND status = 'candidate'
                RETURNING id, name, occurred_at, status""",
                {"status": status, "name": name, "id": event_id,
                 "at": utc(at, "event time") if at else None})
    except psycopg.errors.UniqueViolation:
        raise ConvergenceError(f"an event named {name!r} already exists") from None
    if not rows:
        found = fetch(conn, "SELECT status FROM events WHERE id = %(id)s", {"id": event_id})
        if not found:
            raise ConvergenceError(f"no event with id {event_id}")
        raise ConvergenceError(
            f"event {event_id} is not a candidate (its status is {found[0]['status']})")
    row = rows[0]
    return {"id": int(row["id"]), "name": row["name"], "occurred_at": iso(row["occurred_at"]),
            "status": row["status"]}


def confirm_candidate(
    conn: Conn, event_id: int, *,
    name: str | None = None, at: datetime | None = None,
) -> dict[str, Any]:
    """Turn a candidate into a confirmed event, optionally renamed and re-timed."""
    if name is not None and not name.strip():
        raise ConvergenceError("the event name must not be empty")
    return _decide(conn, event_id, "confirmed", name.strip() if name else None, at)


def dismiss_candidate(conn: Conn, event_id: int) -> dict[str, Any]:
    """Mark a candidate as dismissed; it is not proposed again under the same name."""
    return _decide(conn, event_id, "dismissed", None, None)
