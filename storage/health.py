"""Health figures in SQL: per-source collection state, tagging backlog, totals for metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from storage.rows import one

# The watchlist (sources an analyst chose, and saved searches), with their state and what
# their collection runs and posts looked like in [since, until).
_SOURCES = """
SELECT s.id, s.platform, s.handle, s.role, s.kind, s.interval_minutes,
       a.name AS actor, a.group_key AS "group",
       COALESCE(cs.state, 'never') AS state, cs.last_run_at, cs.last_success_at,
       cs.last_error_at, cs.last_error, cs.rate_limited_until,
       (SELECT count(*) FROM posts p WHERE p.source_id = s.id
          AND p.posted_at >= %(since)s AND p.posted_at < %(until)s) AS posts_in_period,
       (SELECT max(p.posted_at) FROM posts p WHERE p.source_id = s.id) AS latest_post_at,
       COALESCE(runs.ok_runs, 0) AS ok_runs, COALESCE(runs.bad_runs, 0) AS bad_runs,
       runs.last_bad_status, runs.last_bad_error
FROM sources s
LEFT JOIN actors a ON a.id = s.actor_id
LEFT JOIN collector_state cs ON cs.source_id = s.id
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE r.status = 'ok') AS ok_runs,
           count(*) FILTER (WHERE r.status NOT IN ('ok', 'running')) AS bad_runs,
           (array_agg(r.status ORDER BY r.started_at DESC)
               FILTER (WHERE r.status NOT IN ('ok', 'running')))[1] AS last_bad_status,
           (array_agg(r.error ORDER BY r.started_at DESC)
               FILTER (WHERE r.status NOT IN ('ok', 'running')))[1] AS last_bad_error
    FROM collection_runs r
    WHERE r.source_id = s.id AND r.started_at >= %(since)s AND r.started_at < %(until)s
) runs ON true
WHERE s.active AND (s.actor_id IS NOT NULL OR s.kind = 'search')
  AND (%(include_illustrative)s OR NOT s.illustrative)
ORDER BY s.platform, lower(s.handle)
"""


def source_rows(
    conn: psycopg.Connection[Any], since: datetime, until: datetime,
    *, include_illustrative: bool = True,
) -> list[dict[str, Any]]:
    return conn.execute(
        _SOURCES,
        {"since": since, "until": until, "include_illustrative": include_illustrative},
    ).fetchall()


def tagging_backlog(conn: psycopg.Connection[Any]) -> dict[str, Any]:
    """Posts waiting for the tagger (never tagged, or edited since), and since when the
    oldest of them waits."""
    row = one(conn.execute(
        """SELECT count(*) AS pending, min(waiting_since) AS oldest_seen_at
           FROM (SELECT p.first_seen_at AS waiting_since
                 FROM posts p
                 WHERE NOT EXISTS (SELECT 1 FROM post_tagging t WHERE t.post_id = p.id)
                 UNION ALL
                 SELECT min(v.seen_at)
                 FROM post_tagging t
                 JOIN post_versions v ON v.post_id = t.post_id AND v.seen_at > t.tagged_at
                 GROUP BY t.post_id) waiting"""
    ).fetchone())
    return {"pending": int(row["pending"]), "oldest_seen_at": row["oldest_seen_at"]}


def anything_to_tag(conn: psycopg.Connection[Any]) -> bool:
    """Whether any post waits for the tagger (stops at the first one found)."""
    row = one(conn.execute(
        """SELECT EXISTS (SELECT 1 FROM posts p
                          WHERE NOT EXISTS (SELECT 1 FROM post_tagging t
                                            WHERE t.post_id = p.id))
               OR EXISTS (SELECT 1 FROM post_tagging t
                          JOIN post_versions v ON v.post_id = t.post_id
                                              AND v.seen_at > t.tagged_at) AS waiting"""
    ).fetchone())
    return bool(row["waiting"])


def posts_by_platform(conn: psycopg.Connection[Any]) -> dict[str, int]:
    rows = conn.execute("SELECT platform, count(*) AS n FROM posts GROUP BY platform").fetchall()
    return {str(r["platform"]): int(r["n"]) for r in rows}


def collected_by_platform(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """Posts that collection runs inserted (imports excluded), per platform."""
    rows = conn.execute(
        "SELECT platform, COALESCE(sum(inserted), 0) AS n FROM collection_runs GROUP BY platform"
    ).fetchall()
    return {str(r["platform"]): int(r["n"]) for r in rows}


def server_now(conn: psycopg.Connection[Any]) -> datetime:
    """The server's clock (also a cheap liveness check)."""
    row = one(conn.execute("SELECT now() AS now").fetchone())
    value: datetime = row["now"]
    return value
