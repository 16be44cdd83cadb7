"""Lead–lag across events: per actor, how often it moves first on a narrative and how
long it usually takes, over the confirmed events of a period.

For every confirmed event with T0 in [since, until) and every narrative, each adopting
actor's lag is the hours from T0 to its first post carrying the narrative within the post
window. An actor "moves first" on an (event, narrative) when no other actor adopted before
it (ties all count as first).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.convergence.common import (
    ConvergenceError,
    analysis_settings,
    check_narratives,
    fetch,
    utc,
)
from storage.database import Conn

_LEAD_LAG = """
WITH ev AS (
    SELECT id, occurred_at FROM events
    WHERE status = 'confirmed' AND occurred_at >= %(since)s AND occurred_at < %(until)s
), firsts AS (
    SELECT ev.id AS event_id, a.narrative, a.actor_id,
           convergence_hours(ev.occurred_at, min(a.posted_at)) AS lag
    FROM ev
    JOIN narrative_adoptions a
      ON a.posted_at >= ev.occurred_at
     AND a.posted_at <= ev.occurred_at + %(post_hours)s * interval '1 hour'
    WHERE %(narrative)s::text IS NULL OR a.narrative = %(narrative)s::text
    GROUP BY ev.id, ev.occurred_at, a.narrative, a.actor_id
), ranked AS (
    SELECT f.*,
           rank() OVER (PARTITION BY f.event_id, f.narrative ORDER BY f.lag) AS position,
           count(*) OVER (PARTITION BY f.event_id, f.narrative) AS field
    FROM firsts f
), contested AS (
    SELECT count(DISTINCT (event_id, narrative)) AS n FROM firsts
)
SELECT ac.name AS actor, ac.group_key AS "group",
       count(*) AS adoptions,
       count(DISTINCT r.event_id) AS events,
       count(*) FILTER (WHERE r.position = 1) AS first_moves,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.lag)::numeric, 2) AS median_lag_hours,
       round(avg(r.lag)::numeric, 2) AS mean_lag_hours,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.position)::numeric, 1)
           AS median_position,
       (SELECT n FROM contested) AS opportunities,
       array_agg(DISTINCT r.narrative ORDER BY r.narrative) AS narratives
FROM ranked r
JOIN actors ac ON ac.id = r.actor_id
GROUP BY ac.id, ac.name, ac.group_key
ORDER BY count(*) FILTER (WHERE r.position = 1) DESC,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY r.lag), ac.name
"""


def lead_lag(
    conn: Conn,
    since: datetime,
    until: datetime,
    *,
    narrative: str | None = None,
    post_hours: float = 72,
) -> list[dict[str, Any]]:
    """One row per actor that adopted anything after a confirmed event in [since, until):
    actor, group, adoptions ((event, narrative) pairs it adopted), events, first_moves,
    first_rate (first_moves / adoptions), participation (adoptions / opportunities, the
    (event, narrative) pairs that anyone adopted), median_lag_hours, mean_lag_hours,
    median_position (1 = first) and narratives. Most first moves first."""
    start, end = utc(since, "since"), utc(until, "until")
    if end <= start:
        raise ConvergenceError("until must be after since")
    if post_hours <= 0:
        raise ConvergenceError(f"post-window must be positive, got {post_hours} hours")
    if narrative is not None:
        check_narratives(conn, [narrative])
    with analysis_settings(conn):
        rows = fetch(conn, _LEAD_LAG, {"since": start, "until": end, "narrative": narrative,
                                       "post_hours": post_hours})
    return [
        {
            "actor": r["actor"],
            "group": r["group"],
            "adoptions": int(r["adoptions"]),
            "events": int(r["events"]),
            "first_moves": int(r["first_moves"]),
            "first_rate": round(int(r["first_moves"]) / int(r["adoptions"]), 3),
            "participation": round(int(r["adoptions"]) / int(r["opportunities"]), 3),
            "median_lag_hours": float(r["median_lag_hours"]),
            "mean_lag_hours": float(r["mean_lag_hours"]),
            "median_position": float(r["median_position"]),
            "narratives": list(r["narratives"]),
        }
        for r in rows
    ]
