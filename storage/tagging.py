"""SQL for narrative tagging: writing tags, progress, and training data. Which posts need
tags is the tagging queue's (storage/tag_queue.py): each batch's tags, its post_tagging marks
and its removal from the queue are written in one transaction, so a run killed at any point
resumes with the posts still queued.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from storage.database import Conn
from storage.rows import JsonObject, fetch_all, fetch_one, fetch_row, value


@dataclass(frozen=True, slots=True)
class PendingPost:
    id: int
    text: str
    lang: str | None
    image_text: str = ""  # text read from the post's images (media_ocr), in position order


@dataclass(frozen=True, slots=True)
class TagRow:
    narrative: str
    score: float
    method: str
    evidence: JsonObject


@dataclass(frozen=True, slots=True)
class PostTags:
    post_id: int
    tags: Sequence[TagRow] = field(default_factory=tuple)


class TaggingProgress(TypedDict):
    posts: int
    current: int  # tagged by this model version
    stale: int  # tagged by another version
    untagged: int


class AnalystVerdict(TypedDict):
    """An analyst's verdict in force on one narrative of a post, with the post's text."""

    post_id: int
    text: str
    lang: str | None
    narrative: str
    verdict: str  # confirm | reject


class StoredHead(TypedDict):
    id: int
    version: str
    params: JsonObject  # the head's to_dict()
    trained_on: JsonObject
    created_at: datetime


class _Missing(TypedDict):
    k: str


def write_tags(conn: Conn, model_version: str,
               batch: Sequence[PostTags]) -> int:
    """Replace the tags of these posts, mark them tagged by model_version and take them out
    of the tagging queue (one transaction: the caller's, which holds the queue rows a worker
    claimed). Returns the number of tags written."""
    if not batch:
        return 0
    post_ids = [p.post_id for p in batch]
    conn.execute("DELETE FROM tags WHERE post_id = ANY(%(ids)s)", {"ids": post_ids})
    conn.execute("DELETE FROM tag_queue WHERE post_id = ANY(%(ids)s)", {"ids": post_ids})
    rows = [(p.post_id, t) for p in batch for t in p.tags]
    if rows:
        conn.execute(
            """INSERT INTO tags (post_id, narrative, score, method, model_version, evidence)
               SELECT u.post_id, u.narrative, u.score, u.method, %(version)s, u.evidence
               FROM unnest(%(post_ids)s::bigint[], %(narratives)s::text[], %(scores)s::real[],
                           %(methods)s::text[], %(evidence)s::jsonb[])
                    AS u(post_id, narrative, score, method, evidence)""",
            {
                "version": model_version,
                "post_ids": [r[0] for r in rows],
                "narratives": [r[1].narrative for r in rows],
                "scores": [r[1].score for r in rows],
                "methods": [r[1].method for r in rows],
                "evidence": [json.dumps(r[1].evidence, ensure_ascii=False) for r in rows],
            },
        )
    conn.execute(
        """INSERT INTO post_tagging (post_id, model_version, tagged_at)
           SELECT unnest(%(ids)s::bigint[]), %(version)s, now()
           ON CONFLICT (post_id) DO UPDATE
              SET model_version = EXCLUDED.model_version, tagged_at = EXCLUDED.tagged_at""",
        {"ids": post_ids, "version": model_version},
    )
    return len(rows)


def missing_narratives(conn: Conn, keys: Sequence[str]) -> list[str]:
    """Taxonomy keys with no row in narratives (tags would violate the foreign key)."""
    rows = fetch_all(
        conn, _Missing,
        "SELECT k FROM unnest(%(keys)s::text[]) AS k "
        "WHERE NOT EXISTS (SELECT 1 FROM narratives n WHERE n.key = k) ORDER BY k",
        {"keys": list(keys)})
    return [r["k"] for r in rows]


def tagging_progress(conn: Conn, model_version: str) -> TaggingProgress:
    return fetch_row(
        conn, TaggingProgress,
        """SELECT count(*) AS posts,
                  count(pt.post_id) FILTER (WHERE pt.model_version = %(version)s) AS current,
                  count(pt.post_id) FILTER (WHERE pt.model_version <> %(version)s) AS stale,
                  count(*) FILTER (WHERE pt.post_id IS NULL) AS untagged
           FROM posts p LEFT JOIN post_tagging pt ON pt.post_id = p.id""",
        {"version": model_version})


def labelled_posts(conn: Conn) -> list[AnalystVerdict]:
    """Analyst verdicts in force (newest per post and narrative), with the post's text."""
    return fetch_all(
        conn, AnalystVerdict,
        """SELECT cl.post_id, p.text, p.lang, cl.narrative, cl.verdict
           FROM current_labels cl JOIN posts p ON p.id = cl.post_id
           ORDER BY cl.post_id, cl.narrative""")


def save_head(conn: Conn, model_id: str, version: str,
              params: JsonObject, trained_on: JsonObject) -> int:
    """Store a fitted head; it becomes the newest for its model (refitting the same
    parameters again just makes that head the newest)."""
    return value(
        conn, int,
        """INSERT INTO classifier_heads (model_id, version, params, trained_on)
           VALUES (%(model_id)s, %(version)s, %(params)s::jsonb, %(trained_on)s::jsonb)
           ON CONFLICT (model_id, version) DO UPDATE
              SET created_at = now(), trained_on = EXCLUDED.trained_on
           RETURNING id""",
        {"model_id": model_id, "version": version,
         "params": json.dumps(params, ensure_ascii=False),
         "trained_on": json.dumps(trained_on, ensure_ascii=False)})


def latest_head(conn: Conn, model_id: str) -> StoredHead | None:
    return fetch_one(
        conn, StoredHead,
        """SELECT id, version, params, trained_on, created_at FROM classifier_heads
           WHERE model_id = %(model_id)s ORDER BY created_at DESC, id DESC LIMIT 1""",
        {"model_id": model_id})
