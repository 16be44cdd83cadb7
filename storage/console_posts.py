"""One post for the console: text, versions, deletion, raw payload, tags and analyst labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import errors

VERDICTS = ("confirm", "reject")


class LabelError(Exception):
    """A label was refused; the message names what was wrong."""


@dataclass
class PostDetail:
    post: dict[str, Any]
    versions: list[dict[str, Any]] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)  # newest first, all of them
    carried: list[dict[str, Any]] = field(default_factory=list)  # narrative_posts rows

    @property
    def current_labels(self) -> dict[str, dict[str, Any]]:
        current: dict[str, dict[str, Any]] = {}
        for label in self.labels:
            current.setdefault(str(label["narrative"]), label)
        return current


_POST = """
SELECT p.id, p.platform, p.native_id, p.kind, p.url, p.lang, p.posted_at, p.edited_at,
       p.text, p.forwarded_from, p.forwarded_from_id, p.reply_to, p.quote_of, p.links,
       p.metrics, p.media, p.raw, p.version_count, p.fetched_at, p.first_seen_at,
       p.deleted_seen_at, s.id AS source_id, s.handle, s.role, a.name AS actor,
       a.group_key AS "group"
FROM posts p
JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id
WHERE p.id = %(id)s
"""


def post_detail(conn: psycopg.Connection[Any], post_id: int) -> PostDetail | None:
    post = conn.execute(_POST, {"id": post_id}).fetchone()
    if post is None:
        return None
    detail = PostDetail(post)
    detail.versions = conn.execute(
        """SELECT version, text, edited_at, seen_at FROM post_versions
           WHERE post_id = %(id)s ORDER BY version""", {"id": post_id}).fetchall()
    detail.tags = conn.execute(
        """SELECT t.narrative, t.score, t.method, t.model_version, t.evidence, t.tagged_at,
                  n.threshold, n.names, t.score >= n.threshold AS over_threshold
           FROM tags t JOIN narratives n ON n.key = t.narrative
           WHERE t.post_id = %(id)s ORDER BY t.score DESC""", {"id": post_id}).fetchall()
    detail.labels = conn.execute(
        """SELECT id, narrative, verdict, analyst, note, created_at FROM labels
           WHERE post_id = %(id)s ORDER BY created_at DESC, id DESC""", {"id": post_id}).fetchall()
    detail.carried = conn.execute(
        """SELECT narrative, via, score FROM narrative_posts WHERE post_id = %(id)s
           ORDER BY narrative""", {"id": post_id}).fetchall()
    return detail


def add_label(conn: psycopg.Connection[Any], post_id: int, narrative: str, verdict: str,
              analyst: str, note: str = "") -> int:
    """Record an analyst's verdict; the newest label per (post, narrative) is in force."""
    if verdict not in VERDICTS:
        raise LabelError(f"verdict must be confirm or reject, not {verdict!r}")
    if not analyst.strip():
        raise LabelError("a label needs the analyst's name")
    try:
        with conn.transaction():
            row = conn.execute(
                """INSERT INTO labels (post_id, narrative, verdict, analyst, note)
                   VALUES (%(post)s, %(narrative)s, %(verdict)s, %(analyst)s, %(note)s)
                   RETURNING id""",
                {"post": post_id, "narrative": narrative, "verdict": verdict,
                 "analyst": analyst.strip(), "note": note.strip()},
            ).fetchone()
    except errors.ForeignKeyViolation:
        raise LabelError(f"no post {post_id} or no narrative {narrative!r}") from None
    return int(row["id"]) if row else 0
