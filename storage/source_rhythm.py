"""Each source's own posting rhythm, for the health rule that asks whether a source stays
silent far longer than it usually does: a high percentile of the gaps between its posts in
the trailing days (at most HISTORY posts per source, read newest first through the
(source_id, posted_at) index), beside its newest post.

The percentile moves slowly and costs a read of HISTORY posts per source, so it is kept in
`source_rhythms` (migration 154) and computed again when older than MAX_AGE. A source that
had posted within `factor` times its typical gap when the rhythm was kept cannot be silent
now (its newest post is no older); only the others have their newest post read, live."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypedDict

from storage.database import Conn
from storage.rows import fetch_all, value_or_none

HISTORY = 200  # posts per source the rhythm is read from, newest first
MAX_AGE = timedelta(hours=1)  # a kept rhythm older than this is computed again


class Rhythm(TypedDict):
    platform: str
    handle: str
    actor: str | None
    posts: int  # posts in the trailing period (at most HISTORY)
    latest_post_at: datetime
    typical_gap_s: float | None  # the percentile of the gaps between those posts


_FORGET = "DELETE FROM source_rhythms WHERE days = %(days)s AND percentile = %(percentile)s"
_REFRESH = """
INSERT INTO source_rhythms (days, percentile, source_id, posts, typical_gap_s,
                            latest_post_at, computed_at)
SELECT %(days)s, %(percentile)s, s.id, r.posts, r.typical_gap_s, r.latest_post_at, %(now)s
FROM sources s
JOIN LATERAL (
    SELECT count(*)::int AS posts, max(posted_at) AS latest_post_at,
           percentile_cont(%(percentile)s) WITHIN GROUP (ORDER BY gap_s) AS typical_gap_s
    FROM (SELECT posted_at,
                 extract(epoch FROM posted_at - lag(posted_at) OVER (ORDER BY posted_at))::float8
                     AS gap_s
          FROM (SELECT p.posted_at FROM posts p
                WHERE p.source_id = s.id AND p.posted_at > %(since)s AND p.posted_at <= %(now)s
                ORDER BY p.posted_at DESC LIMIT %(history)s) newest) gaps
) r ON r.posts > 0
WHERE s.active
"""

_KEPT_AT = """
SELECT max(computed_at) FROM source_rhythms
WHERE days = %(days)s AND percentile = %(percentile)s
"""

# The sources silent by the kept rhythm (their newest post then) whose newest post up to `now`,
# read live through the (source_id, posted_at) index, still leaves them silent.
_RHYTHM = """
SELECT s.platform, s.handle, a.name AS actor, r.posts, latest.posted_at AS latest_post_at,
       r.typical_gap_s
FROM source_rhythms r
JOIN sources s ON s.id = r.source_id
LEFT JOIN actors a ON a.id = s.actor_id
JOIN LATERAL (SELECT max(p.posted_at) AS posted_at FROM posts p
              WHERE p.source_id = s.id AND p.posted_at <= %(now)s) latest
    ON latest.posted_at IS NOT NULL
WHERE r.days = %(days)s AND r.percentile = %(percentile)s AND s.active
  AND r.posts >= %(min_posts)s AND r.typical_gap_s > 0
  AND %(now)s - r.latest_post_at > r.typical_gap_s * %(factor)s * interval '1 second'
  AND %(now)s - latest.posted_at > r.typical_gap_s * %(factor)s * interval '1 second'
  AND (%(platform)s::text IS NULL OR s.platform = %(platform)s::text)
  AND (%(handle)s::text IS NULL OR lower(s.handle) = lower(%(handle)s::text))
ORDER BY s.platform, lower(s.handle)
"""


def refresh(conn: Conn, now: datetime, *, days: int, percentile: float) -> None:
    """Compute every active source's rhythm as of `now` and keep it (one transaction)."""
    with conn.transaction():
        conn.execute(_FORGET, {"days": days, "percentile": percentile})
        conn.execute(_REFRESH, {"now": now, "since": now - timedelta(days=days), "days": days,
                                "history": HISTORY, "percentile": percentile})


def silent_sources(conn: Conn, now: datetime, *, days: int, percentile: float,
                       factor: float, min_posts: int, platform: str | None = None,
                       handle: str | None = None) -> list[Rhythm]:
    """The active sources with at least `min_posts` posts in the `days` before the kept
    rhythm whose newest post, then and now, is over `factor` times their typical gap before
    `now`: the sources silent now, each with its newest post. The kept rhythm is computed
    again first when it is older than MAX_AGE or was computed for a later time than `now`."""
    params = {"days": days, "percentile": percentile}
    kept_at = value_or_none(conn, datetime, _KEPT_AT, params)
    if kept_at is None or not now - MAX_AGE < kept_at <= now:
        refresh(conn, now, days=days, percentile=percentile)
    return fetch_all(conn, Rhythm, _RHYTHM,
                     {**params, "now": now, "factor": factor, "min_posts": min_posts,
                      "platform": platform, "handle": handle})
