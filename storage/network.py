"""The citation network in SQL: weighted edges between sources (and the channels they cite
that nobody watches yet), aggregated in PostgreSQL from post_citations and narrative_posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from psycopg import sql

from storage.database import Conn
from storage.planner import hashing_plans
from storage.rows import fetch_all, value_or_none

# Graph layers and the citation kinds each is made of; co-adoption comes from narratives.
LAYERS: dict[str, tuple[str, ...]] = {
    "forward": ("forward",),
    "amplify": ("retweet", "quote"),
    "mention": ("mention", "link", "reply"),
    "coadoption": (),
}


@dataclass(frozen=True)
class Scope:
    since: datetime
    until: datetime
    narrative: str | None = None
    evidence: int = 5  # evidence posts kept per edge


class EdgeRow(TypedDict):
    from_source: int
    to_source: int | None  # None: a cited channel or account nobody watches
    cited_platform: str
    cited_key: str
    label: str
    kind: str
    weight: int
    first_at: str  # ISO 8601 UTC (convergence_iso): compared and exported as text
    last_at: str
    evidence: str  # post ids, comma-separated: the graph keeps them so (no array to parse)


class NodeRow(TypedDict):
    id: int
    platform: str
    handle: str
    role: str
    actor_id: int | None
    actor: str | None
    camp: str | None
    posts: int


_CITATION_EDGES = """
WITH e AS (
    SELECT c.source_id, c.cited_platform, c.cited_key, c.kind, count(*)::bigint AS weight,
           min(c.posted_at) AS first_at, max(c.posted_at) AS last_at,
           min(c.cited_label) AS label,
           -- Any few citing posts: an ordered aggregate would sort every group.
           array_to_string((array_agg(c.post_id))[1:%(evidence)s], ',') AS evidence
    FROM post_citations c
    WHERE c.kind = ANY (%(kinds)s) AND c.posted_at >= %(since)s AND c.posted_at < %(until)s
      {narrative_filter}
    GROUP BY c.source_id, c.cited_platform, c.cited_key, c.kind
)
SELECT e.source_id AS from_source, w.source_id AS to_source, e.cited_platform, e.cited_key,
       e.label, e.kind, e.weight, convergence_iso(e.first_at) AS first_at,
       convergence_iso(e.last_at) AS last_at, e.evidence
FROM e
LEFT JOIN watched_keys w ON w.platform = e.cited_platform AND w.cited_key = e.cited_key
WHERE w.source_id IS DISTINCT FROM e.source_id
"""

# Two actors adopting one narrative within the hour: each actor's first post carrying it on
# each UTC day, paired with another actor's first post up to an hour later. The edge runs
# from the later (who echoed) to the earlier (who was echoed), like a citation.
_COADOPTION_EDGES = """
WITH firsts AS (
    SELECT DISTINCT ON (np.narrative, s.actor_id, convergence_day(np.posted_at))
           np.narrative, np.source_id, s.actor_id, np.posted_at, np.post_id
    FROM narrative_posts np
    JOIN sources s ON s.id = np.source_id
    WHERE s.role = 'actor' AND s.actor_id IS NOT NULL
      AND np.posted_at >= %(since)s AND np.posted_at < %(until)s
      {narrative_filter}
    ORDER BY np.narrative, s.actor_id, convergence_day(np.posted_at), np.posted_at, np.post_id
)
SELECT b.source_id AS from_source, a.source_id AS to_source, src.platform AS cited_platform,
       lower(src.handle) AS cited_key, src.handle AS label, 'coadoption' AS kind,
       count(*)::bigint AS weight, convergence_iso(min(b.posted_at)) AS first_at,
       convergence_iso(max(b.posted_at)) AS last_at,
       array_to_string((array_agg(b.post_id ORDER BY b.posted_at DESC, b.post_id DESC))
                       [1:%(evidence)s], ',') AS evidence
FROM firsts a
JOIN firsts b ON b.narrative = a.narrative AND b.actor_id <> a.actor_id
             AND b.posted_at >= a.posted_at AND b.posted_at < a.posted_at + interval '1 hour'
JOIN sources src ON src.id = a.source_id
GROUP BY b.source_id, a.source_id, src.platform, src.handle
"""


# Filters composed in rather than `%(narrative)s IS NULL OR ...`, which a prepared
# statement's generic plan cannot drop (it then misjudges the rows it will meet).
_CITED_NARRATIVE = sql.SQL("AND EXISTS (SELECT 1 FROM narrative_posts np "
                           "WHERE np.post_id = c.post_id AND np.narrative = %(narrative)s)")
_ADOPTED_NARRATIVE = sql.SQL("AND np.narrative = %(narrative)s")


def edges(conn: Conn, layers: tuple[str, ...], scope: Scope) -> list[EdgeRow]:
    """The edges of the chosen layers within the scope."""
    unknown = set(layers) - set(LAYERS)
    if unknown:
        raise ValueError(f"unknown layers: {', '.join(sorted(unknown))}")
    params = {"since": scope.since, "until": scope.until, "narrative": scope.narrative,
              "evidence": scope.evidence}
    kinds = [kind for layer in layers for kind in LAYERS[layer]]
    found: list[EdgeRow] = []
    if kinds:
        query = sql.SQL(_CITATION_EDGES).format(
            narrative_filter=_CITED_NARRATIVE if scope.narrative else sql.SQL(""))
        with hashing_plans(conn):
            found += fetch_all(conn, EdgeRow, query, {**params, "kinds": kinds})
    if "coadoption" in layers:
        query = sql.SQL(_COADOPTION_EDGES).format(
            narrative_filter=_ADOPTED_NARRATIVE if scope.narrative else sql.SQL(""))
        found += fetch_all(conn, EdgeRow, query, params)
    return found


def nodes(conn: Conn, source_ids: list[int], scope: Scope) -> list[NodeRow]:
    """The watched sources among the graph's nodes, with their actor, camp and posts."""
    return fetch_all(
        conn, NodeRow,
        """WITH counted AS (
               SELECT p.source_id, count(*) AS posts FROM posts p
               WHERE p.source_id = ANY (%(ids)s)
                 AND p.posted_at >= %(since)s AND p.posted_at < %(until)s
               GROUP BY p.source_id
           )
           SELECT s.id, s.platform, s.handle, s.role, s.actor_id, a.name AS actor,
                  a.group_key AS camp, coalesce(c.posts, 0) AS posts
           FROM sources s
           LEFT JOIN actors a ON a.id = s.actor_id
           LEFT JOIN counted c ON c.source_id = s.id
           WHERE s.id = ANY (%(ids)s)
           ORDER BY s.id""",
        {"ids": source_ids, "since": scope.since, "until": scope.until})


class PostCount(TypedDict):
    source_id: int
    posts: int


def post_counts(conn: Conn, scope: Scope) -> dict[int, int]:
    """Every source's posts within the scope, read through the (source_id, posted_at) index:
    what nodes() counts, for all sources at once, so that a helper connection can count
    while the edges are read (monitor.network.build)."""
    rows = fetch_all(
        conn, PostCount,
        """SELECT s.id AS source_id,
                  (SELECT count(*) FROM posts p WHERE p.source_id = s.id
                     AND p.posted_at >= %(since)s AND p.posted_at < %(until)s)::int AS posts
           FROM sources s""",
        {"since": scope.since, "until": scope.until})
    return {r["source_id"]: r["posts"] for r in rows}


def nodes_counted(conn: Conn, source_ids: list[int], counts: dict[int, int]) -> list[NodeRow]:
    """nodes() with the posts already counted (post_counts)."""
    found = fetch_all(
        conn, NodeRow,
        """SELECT s.id, s.platform, s.handle, s.role, s.actor_id, a.name AS actor,
                  a.group_key AS camp, 0 AS posts
           FROM sources s LEFT JOIN actors a ON a.id = s.actor_id
           WHERE s.id = ANY (%(ids)s) ORDER BY s.id""", {"ids": source_ids})
    for row in found:
        row["posts"] = counts.get(row["id"], 0)
    return found


def latest_post_at(conn: Conn) -> datetime | None:
    """The newest post's time: the console's default period ends there (an archive, such as
    the demo's 2021 episode, has nothing in the last 30 days of the calendar)."""
    return value_or_none(conn, datetime, "SELECT max(posted_at) FROM posts")
