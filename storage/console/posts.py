"""One post for the console: text, versions, deletion, raw payload, tags and analyst labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from psycopg import errors

from storage.database import Conn
from storage.rows import JsonObject, fetch_all, fetch_one, value

VERDICTS = ("confirm", "reject")


class LabelError(Exception):
    """A label was refused; the message names what was wrong."""


class PostSummary(TypedDict):
    """A post as lists show it (search results), with its source and actor."""

    id: int
    platform: str
    native_id: str
    kind: str
    url: str | None
    lang: str | None
    posted_at: datetime
    text: str
    deleted_seen_at: datetime | None
    version_count: int
    handle: str
    role: str
    actor: str | None
    group: str | None


class PostRow(PostSummary):
    """Everything the post page shows."""

    edited_at: datetime | None
    forwarded_from: str | None
    forwarded_from_id: str | None
    reply_to: str | None
    quote_of: str | None
    links: list[object]
    metrics: JsonObject
    media: object  # jsonb, NULL when the post has none
    raw: JsonObject
    fetched_at: datetime
    first_seen_at: datetime
    source_id: int


class VersionRow(TypedDict):
    version: int
    text: str
    edited_at: datetime | None
    seen_at: datetime


class TagRow(TypedDict):
    narrative: str
    score: float
    method: str
    model_version: str
    evidence: JsonObject
    tagged_at: datetime
    threshold: float
    names: dict[str, str]
    over_threshold: bool


class LabelRow(TypedDict):
    id: int
    narrative: str
    verdict: str
    analyst: str
    note: str
    created_at: datetime


class CarriedRow(TypedDict):
    """A narrative the post carries (narrative_posts), and what decided it."""

    narrative: str
    via: str
    score: float | None


@dataclass
class PostDetail:
    post: PostRow
    versions: list[VersionRow] = field(default_factory=list)
    tags: list[TagRow] = field(default_factory=list)
    labels: list[LabelRow] = field(default_factory=list)  # newest first, all of them
    carried: list[CarriedRow] = field(default_factory=list)

    @property
    def current_labels(self) -> dict[str, LabelRow]:
        current: dict[str, LabelRow] = {}
        for label in self.labels:
            current.setdefault(label["narrative"], label)
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


def post_detail(conn: Conn, post_id: int) -> PostDetail | None:
    post = fetch_one(conn, PostRow, _POST, {"id": post_id})
    if post is None:
        return None
    detail = PostDetail(post)
    detail.versions = fetch_all(
        conn, VersionRow,
        """SELECT version, text, edited_at, seen_at FROM post_versions
           WHERE post_id = %(id)s ORDER BY version""", {"id": post_id})
    detail.tags = fetch_all(
        conn, TagRow,
        """SELECT t.narrative, t.score, t.method, t.model_version, t.evidence, t.tagged_at,
                  n.threshold, n.names, t.score >= n.threshold AS over_threshold
           FROM tags t JOIN narratives n ON n.key = t.narrative
           WHERE t.post_id = %(id)s ORDER BY t.score DESC""", {"id": post_id})
    detail.labels = fetch_all(
        conn, LabelRow,
        """SELECT id, narrative, verdict, analyst, note, created_at FROM labels
           WHERE post_id = %(id)s ORDER BY created_at DESC, id DESC""", {"id": post_id})
    detail.carried = fetch_all(
        conn, CarriedRow,
        """SELECT narrative, via, score FROM narrative_posts WHERE post_id = %(id)s
           ORDER BY narrative""", {"id": post_id})
    return detail


def add_label(conn: Conn, post_id: int, narrative: str, verdict: str,
              analyst: str, note: str = "") -> int:
    """Record an analyst's verdict; the newest label per (post, narrative) is in force."""
    if verdict not in VERDICTS:
        raise LabelError(f"verdict must be confirm or reject, not {verdict!r}")
    if not analyst.strip():
        raise LabelError("a label needs the analyst's name")
    try:
        with conn.transaction():
            return value(
                conn, int,
                """INSERT INTO labels (post_id, narrative, verdict, analyst, note)
                   VALUES (%(post)s, %(narrative)s, %(verdict)s, %(analyst)s, %(note)s)
                   RETURNING id""",
                {"post": post_id, "narrative": narrative, "verdict": verdict,
                 "analyst": analyst.strip(), "note": note.strip()})
    except errors.ForeignKeyViolation:
        raise LabelError(f"no post {post_id} or no narrative {narrative!r}") from None
