"""Image copies: the same card (perceptual hashes within MAX_DISTANCE bits) posted by two or
more actors in an event's post window, per narrative, shown apart from the text copies.

Posts are the narrative's adoption posts in [t0, post_end] that carry an image; pairs whose
images' 64-bit phashes differ in at most MAX_DISTANCE bits are linked and clustered like text
copies (storage.convergence.clusters: union-find, forwards listed apart in each cluster). The
pairs are compared within one narrative's image posts of the window (a few hundred at most in
practice; every pair is compared)."""

from __future__ import annotations

from typing import Any

from storage.convergence.clusters import assemble
from storage.convergence.common import Window, fetch
from storage.database import Conn

MAX_DISTANCE = 6  # of 64 bits: recompression and resizing move a phash by a few bits

_IMAGE_LINKS = """
WITH cand AS MATERIALIZED (
    SELECT a.narrative, a.post_id, m.phash
    FROM narrative_adoptions a
    JOIN post_media pm ON pm.post_id = a.post_id
    JOIN media m ON m.id = pm.media_id
    WHERE a.posted_at >= %(t0)s AND a.posted_at <= %(post_end)s
      AND (%(narrative)s::text IS NULL OR a.narrative = %(narrative)s::text)
)
SELECT DISTINCT x.narrative, x.post_id AS a, y.post_id AS b
FROM cand x JOIN cand y ON y.narrative = x.narrative AND y.post_id > x.post_id
WHERE bit_count((x.phash # y.phash)::bit(64)) <= %(distance)s
"""

_IMAGES = """
SELECT pm.post_id, (array_agg(m.sha256 ORDER BY pm.position, m.id))[1] AS sha256
FROM post_media pm JOIN media m ON m.id = pm.media_id
WHERE pm.post_id = ANY(%(posts)s::bigint[])
GROUP BY pm.post_id
"""


def image_copies(conn: Conn, window: Window, narrative: str | None,
                 *, max_distance: int = MAX_DISTANCE) -> dict[str, list[dict[str, Any]]]:
    """Per narrative: clusters of the same card re-posted by two or more actors (each with
    `posts`, `forwards` apart, `actors`, `groups`, `first_at`, `span_minutes`, and `image`:
    the sha256 of its first post's image, which the console serves)."""
    links: dict[str, list[tuple[int, int]]] = {}
    for row in fetch(conn, _IMAGE_LINKS, {**window.params(), "narrative": narrative,
                                          "distance": max_distance}):
        links.setdefault(row["narrative"], []).append((int(row["a"]), int(row["b"])))
    if not links:
        return {}
    found = {key: entry["coordinated"] for key, entry in assemble(conn, links).items()
             if entry["coordinated"]}
    posts = [p["post_id"] for clusters in found.values() for c in clusters for p in c["posts"]]
    image_of = {int(r["post_id"]): str(r["sha256"])
                for r in fetch(conn, _IMAGES, {"posts": posts})}
    for clusters in found.values():
        for cluster in clusters:
            cluster.pop("identical", None)  # a text-copy notion
            cluster["image"] = image_of.get(int(cluster["posts"][0]["post_id"]))
    return found
