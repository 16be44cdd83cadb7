"""Daily series per narrative with a trailing baseline, and the incremental rollup refresh.

Rollup tables (migration 031) hold one row per narrative and UTC day; triggers mark the
days that new or changed posts, tags, labels, sources and thresholds touch, and
refresh_rollups recomputes only those. daily_series reads clean days from the rollups and
computes still-dirty days live, so it is exact with or without a refresh and never writes.

Baseline: the 28 days before each day (days without posts count as zero). z is
(actors - mean) / max(sd, 1) — the floor keeps a quiet narrative's first few adopters from
looking infinitely unusual; rank 1 is the most unusual day of the series per narrative.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from storage.convergence.common import (
    ConvergenceError,
    analysis_settings,
    check_narratives,
    fetch,
    utc_day,
)
from storage.database import Conn

BASELINE_DAYS = 28  # also written into _SERIES's window frame
UNUSUAL_Z = 3.0

_SERIES = """
WITH chosen AS (
    SELECT unnest(%(narratives)s::text[]) AS narrative
), dirty AS (
    SELECT DISTINCT day FROM convergence_dirty_days
    WHERE day BETWEEN %(lo)s::date AND %(hi)s::date
), daily AS (
    SELECT d.narrative, d.day, d.actors, d.groups, d.posts, d.observer_posts
    FROM narrative_daily d
    WHERE d.day BETWEEN %(lo)s::date AND %(hi)s::date
      AND d.narrative IN (SELECT narrative FROM chosen)
      AND d.day NOT IN (SELECT day FROM dirty)
    UNION ALL
    SELECT r.narrative, r.day, r.actors, r.groups, r.posts, r.observer_posts
    FROM convergence_daily_rows(ARRAY(SELECT day FROM dirty)) r
    WHERE r.narrative IN (SELECT narrative FROM chosen)
), split AS (
    SELECT x.narrative, x.day,
           json_object_agg(x.value, json_build_object('actors', x.actors, 'posts', x.posts))
               FILTER (WHERE x.dimension = 'platform') AS by_platform,
           json_object_agg(x.value, json_build_object('actors', x.actors, 'posts', x.posts))
               FILTER (WHERE x.dimension = 'group') AS by_group
    FROM (
        SELECT s.narrative, s.day, s.dimension, s.value, s.actors, s.posts
        FROM narrative_daily_split s
        WHERE s.day BETWEEN %(first)s::date AND %(hi)s::date
          AND s.narrative IN (SELECT narrative FROM chosen)
          AND s.day NOT IN (SELECT day FROM dirty)
        UNION ALL
        SELECT r.narrative, r.day, r.dimension, r.value, r.actors, r.posts
        FROM convergence_daily_split_rows(
            ARRAY(SELECT day FROM dirty WHERE day >= %(first)s::date)) r
        WHERE r.narrative IN (SELECT narrative FROM chosen)
    ) x
    GROUP BY x.narrative, x.day
), grid AS (
    SELECT c.narrative, g::date AS day
    FROM chosen c
    CROSS JOIN generate_series(%(lo)s::date::timestamp, %(hi)s::date::timestamp,
                               interval '1 day') AS g
), stats AS (
    SELECT g.narrative, g.day,
           coalesce(d.actors, 0) AS actors, coalesce(d.groups, 0) AS groups,
           coalesce(d.posts, 0) AS posts, coalesce(d.observer_posts, 0) AS observer_posts,
           avg(coalesce(d.actors, 0)) OVER w AS actors_mean,
           stddev_pop(coalesce(d.actors, 0)) OVER w AS actors_sd,
           avg(coalesce(d.posts, 0)) OVER w AS posts_mean,
           stddev_pop(coalesce(d.posts, 0)) OVER w AS posts_sd
    FROM grid g
    LEFT JOIN daily d ON d.narrative = g.narrative AND d.day = g.day
    WINDOW w AS (PARTITION BY g.narrative ORDER BY g.day
                 ROWS BETWEEN 28 PRECEDING AND 1 PRECEDING)
), scored AS (
    SELECT s.*,
           (s.actors - s.actors_mean) / greatest(s.actors_sd, 1) AS z,
           (s.posts - s.posts_mean) / greatest(s.posts_sd, 1) AS z_posts
    FROM stats s
    WHERE s.day >= %(first)s::date
)
SELECT sc.narrative, sc.day, sc.actors, sc.groups, sc.posts, sc.observer_posts,
       round(sc.actors_mean::numeric, 3) AS actors_mean,
       round(sc.actors_sd::numeric, 3) AS actors_sd,
       round(sc.posts_mean::numeric, 3) AS posts_mean,
       round(sc.posts_sd::numeric, 3) AS posts_sd,
       round(sc.z::numeric, 3) AS z, round(sc.z_posts::numeric, 3) AS z_posts,
       rank() OVER (PARTITION BY sc.narrative ORDER BY sc.z DESC, sc.actors DESC) AS rank,
       coalesce(sp.by_platform, '{}'::json) AS by_platform,
       coalesce(sp.by_group, '{}'::json) AS by_group
FROM scored sc
LEFT JOIN split sp ON sp.narrative = sc.narrative AND sp.day = sc.day
ORDER BY sc.narrative, sc.day
"""


def daily_series(
    conn: Conn,
    since: date | datetime,
    until: date | datetime,
    *,
    narratives: list[str] | None = None,
    unusual_z: float = UNUSUAL_Z,
) -> list[dict[str, Any]]:
    """One row per narrative per UTC day in [since, until] (both days included).

    Each row: narrative, day (ISO date), actors (distinct adopting actors), groups, posts
    (adoption posts by actors), observer_posts (shown apart), by_platform and by_group
    ({key: {actors, posts}}), baseline ({actors_mean, actors_sd, posts_mean, posts_sd,
    days}) over the 28 days before, z (actors against the baseline), z_posts, rank (1 = the
    most unusual day of this series for the narrative) and unusual (z >= unusual_z).
    Datetimes are reduced to their UTC day.
    """
    first, last = utc_day(since, "since"), utc_day(until, "until")
    if last < first:
        raise ConvergenceError(f"until ({last}) is before since ({first})")
    keys = check_narratives(conn, narratives)
    params = {"narratives": keys, "first": first, "hi": last,
              "lo": first - timedelta(days=BASELINE_DAYS)}
    with analysis_settings(conn):
        rows = fetch(conn, _SERIES, params)
    result: list[dict[str, Any]] = []
    for row in rows:
        z = float(row["z"])
        result.append({
            "narrative": row["narrative"],
            "day": row["day"].isoformat(),
            "actors": int(row["actors"]),
            "groups": int(row["groups"]),
            "posts": int(row["posts"]),
            "observer_posts": int(row["observer_posts"]),
            "by_platform": row["by_platform"],
            "by_group": row["by_group"],
            "baseline": {
                "actors_mean": float(row["actors_mean"]),
                "actors_sd": float(row["actors_sd"]),
                "posts_mean": float(row["posts_mean"]),
                "posts_sd": float(row["posts_sd"]),
                "days": BASELINE_DAYS,
            },
            "z": z,
            "z_posts": float(row["z_posts"]),
            "rank": int(row["rank"]),
            "unusual": z >= unusual_z,
        })
    return result


def refresh_rollups(conn: Conn) -> int:
    """Recompute the rollups of the days marked dirty since the last refresh; returns how
    many days were refreshed (0 when nothing changed). Safe to run concurrently."""
    rows = fetch(conn, "SELECT convergence_refresh() AS days", {})
    return int(rows[0]["days"])


def rebuild_rollups(conn: Conn) -> int:
    """Rebuild narrative membership, post features and every rollup from posts, tags and
    labels (after a bulk load with triggers disabled, or as a repair); returns the number of
    (post, narrative) rows."""
    rows = fetch(conn, "SELECT convergence_rebuild() AS n", {})
    return int(rows[0]["n"])


def dirty_days(conn: Conn) -> int:
    """How many distinct days wait for a refresh."""
    rows = fetch(conn, "SELECT count(DISTINCT day) AS n FROM convergence_dirty_days", {})
    return int(rows[0]["n"])
