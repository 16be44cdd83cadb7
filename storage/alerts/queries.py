"""What alert rules read: only rows newer than a rule's watermarks, never a full scan.

- Saved searches read posts by id after the rule's `seen_post_id` (primary key range), with
  the console's own filters and full-text matching (storage.console.search.filter_sql).
- Convergence rules read tags and labels written after `seen_until` (indexes of migration
  120) and events created since, and turn them into the (event, narrative) pairs whose
  adoption may have changed; only those pairs are measured again.

Watermarks move to `upto`, a server time a few seconds back (SETTLE), so a row written by a
transaction still open when the rule runs is not passed over: posts and tags take the time
their transaction began, and collection and tagging commit a page at a time. A transaction
open longer than SETTLE when the rule runs can still be missed (documented in
monitor/alerts/__init__.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import LiteralString, TypedDict

from psycopg import sql

from storage.console.search import PLANNED_PER_SEARCH, SearchFilters, filter_sql
from storage.database import Conn
from storage.rows import fetch_all, fetch_row, value

SETTLE = timedelta(seconds=10)
BATCH = 5000  # posts a saved search reads per evaluation at most (the rest: next minute)


class PostRange(TypedDict):
    upto_id: int | None
    first_untagged: int | None


class MatchedPost(TypedDict):
    id: int
    platform: str
    handle: str
    actor: str | None
    group: str | None
    lang: str | None
    url: str | None
    posted_at: datetime
    text: str


class AffectedPair(TypedDict):
    event_id: int
    event_name: str
    occurred_at: datetime
    status: str
    narrative: str


def server_now(conn: Conn) -> datetime:
    return value(conn, datetime, "SELECT now() AS now")


def latest_post_id(conn: Conn) -> int:
    return value(conn, int, "SELECT coalesce(max(id), 0) AS id FROM posts")


def post_range(conn: Conn, after_id: int, upto: datetime) -> PostRange:
    """The next batch of settled posts after `after_id`: its last id, and its first post not
    tagged yet (a rule that filters on narratives waits for the tagger there)."""
    return fetch_row(
        conn, PostRange,
        """SELECT max(id) AS upto_id,
                  min(id) FILTER (WHERE NOT EXISTS (SELECT 1 FROM post_tagging t
                                                    WHERE t.post_id = b.id)) AS first_untagged
           FROM (SELECT id FROM posts
                 WHERE id > %(after)s AND first_seen_at <= %(upto)s
                 ORDER BY id LIMIT %(batch)s) b""",
        {"after": after_id, "upto": upto, "batch": BATCH})


_MATCHES = sql.SQL("""SELECT p.id, p.platform, s.handle, a.name AS actor, a.group_key AS "group",
       p.lang, p.url, p.posted_at, p.text
{source}
{where}
ORDER BY p.id""")


def search_matches(conn: Conn, f: SearchFilters, after_id: int, upto_id: int) -> list[MatchedPost]:
    """Posts with ids in (after_id, upto_id] that the console's search `f` finds."""
    source, where, params = filter_sql(f, extra=("p.id > %(after_id)s",
                                                 "p.id <= %(upto_id)s"))
    query = _MATCHES.format(source=source, where=where)
    # Planned for its own words and id range each time, as the console's search is: a
    # prepared generic plan reads every post with the word through the full-text index.
    found = fetch_all(conn, MatchedPost, query,
                      {**params, "after_id": after_id, "upto_id": upto_id},
                      prepare=PLANNED_PER_SEARCH)
    # One post may come twice through narrative_posts (two narratives): keep it once.
    return list({p["id"]: p for p in found}.values())


# (post, narrative) pairs whose tag or label was written in (since, upto].
_TOUCHED = """
WITH touched AS (
    SELECT post_id, narrative FROM tags
    WHERE tagged_at > %(since)s AND tagged_at <= %(upto)s
    UNION
    SELECT post_id, narrative FROM labels
    WHERE created_at > %(since)s AND created_at <= %(upto)s
)"""

# The full-query way, for bench/alerts.py's side-by-side baseline: every adoption posted in
# (recent_since, recent_until], however long ago it was tagged.
_RECENT = """
WITH touched AS (
    SELECT post_id, narrative FROM narrative_posts
    WHERE posted_at > %(recent_since)s AND posted_at <= %(recent_until)s
)"""
Recent = tuple[datetime, datetime]  # (since, until) by posted_at, for the baseline

# Adoption posts (actor sources, DESIGN §4) whose tag or label is new, and the events whose
# window [T0, T0 + W] holds them; plus events created since, with every narrative.
_AFFECTED = """, adopted AS MATERIALIZED (
    SELECT DISTINCT a.narrative, a.posted_at
    FROM touched t
    JOIN narrative_adoptions a ON a.post_id = t.post_id AND a.narrative = t.narrative
    WHERE %(narrative)s::text IS NULL OR a.narrative = %(narrative)s::text
    UNION
    -- A rejection takes the post out of the adoptions: its pair may have shrunk.
    SELECT l.narrative, p.posted_at
    FROM labels l JOIN posts p ON p.id = l.post_id
    WHERE l.created_at > %(since)s AND l.created_at <= %(upto)s
      AND (%(narrative)s::text IS NULL OR l.narrative = %(narrative)s::text)
), spans AS (
    SELECT narrative, min(posted_at) AS first_at, max(posted_at) AS last_at
    FROM adopted GROUP BY narrative
)
-- Events within a narrative's span first (few), then whether one adoption falls in the
-- event's window: every event against every adoption cost 20 ms for 1,000 new tags.
SELECT e.id AS event_id, e.name AS event_name, e.occurred_at, e.status, sp.narrative
FROM spans sp
JOIN events e ON e.status = ANY(%(statuses)s)
             AND e.occurred_at <= sp.last_at
             AND e.occurred_at >= sp.first_at - %(window)s
WHERE EXISTS (SELECT 1 FROM adopted ad
              WHERE ad.narrative = sp.narrative AND ad.posted_at >= e.occurred_at
                AND ad.posted_at <= e.occurred_at + %(window)s)
UNION
SELECT e.id, e.name, e.occurred_at, e.status, n.key
FROM events e JOIN narratives n ON %(narrative)s::text IS NULL OR n.key = %(narrative)s::text
WHERE e.status = ANY(%(statuses)s) AND e.created_at > %(since)s AND e.created_at <= %(upto)s
  AND e.occurred_at >= %(upto)s - %(window)s - interval '1 day'
ORDER BY 1, 5
"""  # noqa: S608 - constant SQL


def _touched(recent: Recent | None) -> LiteralString:
    return _TOUCHED if recent is None else _RECENT


def _recent(since: datetime, recent: Recent | None) -> dict[str, object]:
    """Parameters of the rows read: new tags since `since`, or (baseline) recent posts."""
    if recent is None:
        return {"since": since}
    return {"since": datetime.max.replace(tzinfo=since.tzinfo),  # no tag or label is new
            "recent_since": recent[0], "recent_until": recent[1]}


def affected_pairs(conn: Conn, *, since: datetime, upto: datetime, narrative: str | None,
                   statuses: list[str], window: timedelta,
                   recent: Recent | None = None) -> list[AffectedPair]:
    return fetch_all(conn, AffectedPair, _touched(recent) + _AFFECTED,
                     {"upto": upto, "narrative": narrative, "statuses": statuses,
                      "window": window, **_recent(since, recent)})


class WatchedPost(TypedDict):
    narrative: str
    post_id: int
    posted_at: datetime
    actor: str
    group: str | None
    platform: str
    handle: str
    url: str | None
    actors_so_far: int  # distinct actors with the narrative in (now - window, now]


# Adoption posts whose tag or label is new (as _AFFECTED), posted within the window, each
# with how many actors took its narrative up within the window so far (counted once per
# narrative, through narrative_posts_time_idx).
_WATCHED = """, fresh AS (
    SELECT DISTINCT a.narrative, a.post_id, a.posted_at, a.actor, a.group_key AS "group",
           a.platform, a.handle, a.url
    FROM touched t
    JOIN narrative_adoptions a ON a.post_id = t.post_id AND a.narrative = t.narrative
    WHERE (%(narrative)s::text IS NULL OR a.narrative = %(narrative)s::text)
      AND a.posted_at > %(now)s - %(window)s
), counts AS MATERIALIZED (
    SELECT n.narrative,
           (SELECT count(DISTINCT x.actor_id) FROM narrative_adoptions x
            WHERE x.narrative = n.narrative AND x.posted_at > %(now)s - %(window)s
              AND x.posted_at <= %(now)s)::int AS actors_so_far
    FROM (SELECT DISTINCT narrative FROM fresh) n
)
SELECT f.*, c.actors_so_far
FROM fresh f JOIN counts c ON c.narrative = f.narrative
ORDER BY f.posted_at, f.post_id
"""  # noqa: S608 - constant SQL


def watched_posts(conn: Conn, *, since: datetime, upto: datetime, now: datetime,
                  narrative: str | None, window: timedelta,
                  recent: Recent | None = None) -> list[WatchedPost]:
    """Tags and labels in (since, upto] (server time); posts within `window` before `now`
    (the caller's clock)."""
    return fetch_all(conn, WatchedPost, _touched(recent) + _WATCHED,
                     {"upto": upto, "now": now, "narrative": narrative, "window": window,
                      **_recent(since, recent)})


def search_recent(conn: Conn, f: SearchFilters, since: datetime,
                  until: datetime) -> list[MatchedPost]:
    """The baseline of a saved search: every post of (since, until] it finds."""
    source, where, params = filter_sql(f, extra=("p.posted_at > %(since)s",
                                                 "p.posted_at <= %(until)s"))
    return fetch_all(conn, MatchedPost, _MATCHES.format(source=source, where=where),
                     {**params, "since": since, "until": until})

