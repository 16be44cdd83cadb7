"""Health figures in SQL: per-source collection state, tagging backlog, totals for metrics."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from storage.database import Conn
from storage.rows import fetch_all, fetch_row, value

# The watchlist (sources an analyst chose, and saved searches), with their state and what
# their collection runs and posts looked like in [since, until).
_SOURCES = """
SELECT s.id, s.platform, s.handle, s.role, s.kind, s.interval_minutes,
       a.name AS actor, a.group_key AS "group",
       COALESCE(cs.state, 'never') AS state, cs.last_run_at, cs.last_success_at,
       cs.last_error_at, cs.last_error, cs.rate_limited_until,
       CASE WHEN %(with_posts)s THEN
           (SELECT count(*) FROM posts p WHERE p.source_id = s.id
              AND p.posted_at >= %(since)s AND p.posted_at < %(until)s) ELSE 0
       END AS posts_in_period,
       CASE WHEN %(with_posts)s THEN
           (SELECT max(p.posted_at) FROM posts p WHERE p.source_id = s.id)
       END AS latest_post_at,
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
WHERE s.active AND (s.actor_id IS NOT NULL OR s.kind = 'search' OR s.discovered IS NOT NULL)
  AND (%(include_illustrative)s OR NOT s.illustrative)
ORDER BY s.platform, lower(s.handle)
"""


class SourceRow(TypedDict):
    """A watched source, its state, and its runs and posts in the period."""

    id: int
    platform: str
    handle: str
    role: str
    kind: str
    interval_minutes: int | None
    actor: str | None
    group: str | None
    state: str
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    rate_limited_until: datetime | None
    posts_in_period: int
    latest_post_at: datetime | None
    ok_runs: int
    bad_runs: int
    last_bad_status: str | None
    last_bad_error: str | None


class Backlog(TypedDict):
    pending: int  # posts never tagged, or edited since
    oldest_seen_at: datetime | None  # since when the oldest of them waits


class _PlatformCount(TypedDict):
    platform: str
    n: int


def source_rows(
    conn: Conn, since: datetime, until: datetime, *, include_illustrative: bool = True,
    with_posts: bool = True,
) -> list[SourceRow]:
    """Without `with_posts`, posts_in_period is 0 and latest_post_at None: what a blindness
    check needs costs no read of posts (two index probes per source)."""
    return fetch_all(
        conn, SourceRow, _SOURCES,
        {"since": since, "until": until, "include_illustrative": include_illustrative,
         "with_posts": with_posts})


def tagging_backlog(conn: Conn) -> Backlog:
    """Posts waiting in the tagging queue (new, edited, or with image text read since they
    were tagged: migration 151), and since when the oldest of them waits."""
    return fetch_row(
        conn, Backlog,
        "SELECT count(*) AS pending, min(queued_at) AS oldest_seen_at FROM tag_queue")


def anything_to_tag(conn: Conn) -> bool:
    """Whether any post waits for the tagger (stops at the first one found)."""
    return value(
        conn, bool,
        """SELECT EXISTS (SELECT 1 FROM posts p
                          WHERE NOT EXISTS (SELECT 1 FROM post_tagging t
                                            WHERE t.post_id = p.id))
               OR EXISTS (SELECT 1 FROM post_tagging t
                          JOIN post_versions v ON v.post_id = t.post_id
                                              AND v.seen_at > t.tagged_at)
               -- text read from a post's image since it was tagged (issue 17)
               OR EXISTS (SELECT 1 FROM post_tagging t
                          JOIN post_media pm ON pm.post_id = t.post_id
                          JOIN media_ocr o ON o.media_id = pm.media_id
                                          AND o.ocr_at > t.tagged_at) AS waiting""")


def posts_by_platform(conn: Conn) -> dict[str, int]:
    rows = fetch_all(conn, _PlatformCount,
                     "SELECT platform, count(*) AS n FROM posts GROUP BY platform")
    return {r["platform"]: r["n"] for r in rows}


def collected_by_platform(conn: Conn) -> dict[str, int]:
    """Posts that collection runs inserted (imports excluded), per platform."""
    # sum(integer) is a bigint: an int, as the shape says.
    rows = fetch_all(
        conn, _PlatformCount,
        "SELECT platform, COALESCE(sum(inserted), 0) AS n FROM collection_runs GROUP BY platform")
    return {r["platform"]: r["n"] for r in rows}


def server_now(conn: Conn) -> datetime:
    """The server's clock (also a cheap liveness check)."""
    return value(conn, datetime, "SELECT now() AS now")
