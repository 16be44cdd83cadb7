"""Each source's own posting rhythm, for the health rule that asks whether a source stays
silent far longer than it usually does: a high percentile of the gaps between its posts in
the trailing days (at most HISTORY posts per source, read newest first through the
(source_id, posted_at) index), beside its newest post."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypedDict

from storage.database import Conn
from storage.rows import fetch_all

HISTORY = 200  # posts per source the rhythm is read from, newest first


class Rhythm(TypedDict):
    platform: str
    handle: str
    actor: str | None
    posts: int  # posts in the trailing period (at most HISTORY)
    latest_post_at: datetime
    typical_gap_s: float | None  # the percentile of the gaps between those posts


_RHYTHM = """
SELECT s.platform, s.handle, a.name AS actor, r.posts, r.latest_post_at, r.typical_gap_s
FROM sources s
LEFT JOIN actors a ON a.id = s.actor_id
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
WHERE s.active AND (%(platform)s::text IS NULL OR s.platform = %(platform)s::text)
  AND (%(handle)s::text IS NULL OR lower(s.handle) = lower(%(handle)s::text))
ORDER BY s.platform, lower(s.handle)
"""


def rhythms(conn: Conn, now: datetime, *, days: int, percentile: float,
            platform: str | None = None, handle: str | None = None) -> list[Rhythm]:
    """Every active source that posted in the `days` before `now`, with its rhythm."""
    return fetch_all(conn, Rhythm, _RHYTHM,
                     {"now": now, "since": now - timedelta(days=days), "history": HISTORY,
                      "percentile": percentile, "platform": platform, "handle": handle})
