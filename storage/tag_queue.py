"""The tagging queue (migration 151): claim a batch with FOR UPDATE SKIP LOCKED inside the
caller's transaction; storage.tagging.write_tags, in the same transaction, writes the tags
and takes the posts out of the queue. So workers on any number of hosts never tag a post
twice, and a killed worker's batch goes back to the queue (its transaction rolls back)."""

from __future__ import annotations

from storage.database import Conn
from storage.rows import fetch_all, value
from storage.tagging import PendingPost

_CLAIM = """
WITH claimed AS (
    SELECT post_id FROM tag_queue
    ORDER BY post_id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
SELECT p.id, p.text, p.lang,
       coalesce((SELECT string_agg(o.text, E'\\n' ORDER BY pm.position, pm.media_id)
                 FROM post_media pm JOIN media_ocr o ON o.media_id = pm.media_id
                 WHERE pm.post_id = p.id AND o.text <> ''), '') AS image_text
FROM claimed c JOIN posts p ON p.id = c.post_id
ORDER BY p.id
"""


def claim(conn: Conn, limit: int) -> list[PendingPost]:
    """Lock and return up to `limit` queued posts nobody else holds (lowest ids first). The
    locks last as long as the caller's transaction (a pooled connection's block): write the
    tags (storage.tagging.write_tags) before it commits."""
    return fetch_all(conn, PendingPost, _CLAIM, {"limit": limit})


def enqueue_stale(conn: Conn, model_version: str) -> int:
    """Queue the posts tagged by another model version (a backfill); returns how many."""
    return value(
        conn, int,
        """WITH queued AS (
               INSERT INTO tag_queue (post_id)
               SELECT post_id FROM post_tagging WHERE model_version <> %(version)s
               ORDER BY post_id
               ON CONFLICT (post_id) DO NOTHING
               RETURNING 1)
           SELECT count(*) FROM queued""",
        {"version": model_version})


def queued(conn: Conn) -> int:
    return value(conn, int, "SELECT count(*) FROM tag_queue")
