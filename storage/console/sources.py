"""The watchlist page: every source with its actor, role, collection state and post counts."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from storage.database import Conn
from storage.rows import fetch_all

# Counts use the (source_id, posted_at) index: a range per source, never a table scan.
_WATCHLIST = """
SELECT s.id, s.platform, s.handle, s.role, s.kind, s.active, s.illustrative,
       a.name AS actor, a.group_key AS "group",
       coalesce(cs.state, 'never') AS state, cs.last_run_at, cs.last_success_at,
       cs.last_error_at, cs.last_error, cs.rate_limited_until,
       (SELECT count(*) FROM posts p
         WHERE p.source_id = s.id AND p.posted_at >= %(week_ago)s) AS posts_7d,
       (SELECT max(p.posted_at) FROM posts p WHERE p.source_id = s.id) AS latest_post_at,
       (SELECT r.inserted FROM collection_runs r WHERE r.source_id = s.id
         ORDER BY r.started_at DESC LIMIT 1) AS last_run_inserted
FROM sources s
LEFT JOIN actors a ON a.id = s.actor_id
LEFT JOIN collector_state cs ON cs.source_id = s.id
ORDER BY s.platform, lower(s.handle)
"""



class WatchlistRow(TypedDict):
    id: int
    platform: str
    handle: str
    role: str
    kind: str
    active: bool
    illustrative: bool
    actor: str | None
    group: str | None
    state: str
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    rate_limited_until: datetime | None
    posts_7d: int
    latest_post_at: datetime | None
    last_run_inserted: int | None


class ActorName(TypedDict):
    name: str
    group_key: str


_TOTALS = """
SELECT s.id, (SELECT count(*) FROM posts p WHERE p.source_id = s.id) AS posts
FROM sources s
"""


def watchlist(conn: Conn, week_ago: datetime) -> list[WatchlistRow]:
    return fetch_all(conn, WatchlistRow, _WATCHLIST, {"week_ago": week_ago})


def post_totals(conn: Conn) -> dict[int, int]:
    """All-time posts per source (an index-only count; the console caches it)."""
    return {int(r["id"]): int(r["posts"]) for r in conn.execute(_TOTALS).fetchall()}


def actor_names(conn: Conn) -> list[ActorName]:
    return fetch_all(conn, ActorName, "SELECT name, group_key FROM actors ORDER BY lower(name)")


def group_keys(conn: Conn) -> list[str]:
    rows = conn.execute("SELECT DISTINCT group_key FROM actors ORDER BY group_key").fetchall()
    return [str(r["group_key"]) for r in rows]
