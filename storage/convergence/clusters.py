"""Coordinated-copy clusters from verified near-copy links: union-find in Python, the
cluster rows (actors, groups, posts, forwards) assembled in PostgreSQL.

The links come from storage.convergence.copies (SQL over stored features). A recursive
closure in SQL grows with the square of a cluster's size (every post reaches every other:
25 million rows for 5,000 near-identical posts); union-find is linear in the links.
A cluster is named by its smallest post id, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from storage.convergence.common import fetch
from storage.database import Conn

# One row per cluster member: its narrative, post id and cluster (smallest post id).
_ASSEMBLE = """
WITH members AS (
    SELECT m.cluster, a.narrative, a.post_id, a.actor_id, a.actor, a.group_key, a.platform,
           a.posted_at, p.kind, p.url, p.forwarded_from, p.norm_hash,
           left(p.text, 280) AS text, p.kind IN ('forward', 'retweet') AS is_forward
    FROM unnest(%(narratives)s::text[], %(nodes)s::bigint[], %(clusters)s::bigint[])
         AS m (narrative, node, cluster)
    JOIN narrative_adoptions a ON a.narrative = m.narrative AND a.post_id = m.node
    JOIN posts p ON p.id = a.post_id
), clusters AS (
    SELECT narrative, cluster,
           count(DISTINCT actor_id) FILTER (WHERE NOT is_forward) AS authors,
           count(DISTINCT actor_id) AS actors,
           min(posted_at) AS first_at, max(posted_at) AS last_at,
           count(DISTINCT norm_hash) = 1 AS identical,
           (array_agg(text ORDER BY is_forward, posted_at, post_id))[1] AS text,
           jsonb_agg(DISTINCT group_key) AS groups,
           coalesce(json_agg(json_build_object(
               'actor', actor, 'group', group_key, 'platform', platform, 'kind', kind,
               'posted_at', convergence_iso(posted_at), 'url', url, 'post_id', post_id)
               ORDER BY posted_at, post_id) FILTER (WHERE NOT is_forward), '[]') AS posts,
           coalesce(json_agg(json_build_object(
               'actor', actor, 'group', group_key, 'platform', platform, 'kind', kind,
               'forwarded_from', forwarded_from,
               'posted_at', convergence_iso(posted_at), 'url', url, 'post_id', post_id)
               ORDER BY posted_at, post_id) FILTER (WHERE is_forward), '[]') AS forwards
    FROM members
    GROUP BY narrative, cluster
)
SELECT narrative, authors >= 2 AS coordinated,
       json_agg(json_build_object(
           'text', text, 'identical', identical,
           'first_at', convergence_iso(first_at), 'last_at', convergence_iso(last_at),
           'span_minutes', round((extract(epoch FROM last_at - first_at) / 60.0)::numeric, 1),
           'actors', authors, 'actors_with_forwards', actors, 'groups', groups,
           'posts', posts, 'forwards', forwards)
           ORDER BY authors DESC, first_at, cluster) AS clusters
FROM clusters
WHERE actors >= 2
GROUP BY narrative, authors >= 2
"""


def components(links: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each linked node -> the smallest node of its connected component (union-find with
    path halving; the smaller root always wins, so roots are the components' minima)."""
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for x, y in links:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    return {node: find(node) for node in parent}


def assemble(conn: Conn,
             links: dict[str, list[tuple[int, int]]]) -> dict[str, dict[str, Any]]:
    """Per narrative with clusters of two or more actors: {'coordinated': clusters by two or
    more re-authoring actors, 'forward_cascades': clusters reaching two actors only through
    forwards}, largest first, then earliest."""
    narratives: list[str] = []
    nodes: list[int] = []
    clusters: list[int] = []
    for narrative, pairs in links.items():
        for node, root in components(pairs).items():
            narratives.append(narrative)
            nodes.append(node)
            clusters.append(root)
    found: dict[str, dict[str, Any]] = {}
    if not nodes:
        return found
    params = {"narratives": narratives, "nodes": nodes, "clusters": clusters}
    for row in fetch(conn, _ASSEMBLE, params):
        entry = found.setdefault(row["narrative"], {"coordinated": [], "forward_cascades": []})
        entry["coordinated" if row["coordinated"] else "forward_cascades"] = row["clusters"]
    return found
