"""SQL for posted images: the files kept (migration 140), which posts carry them, refusals,
and the OCR queue and its results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString

from storage.database import Conn
from storage.rows import fetch_all, fetch_one, value, value_or_none


@dataclass(frozen=True, slots=True)
class MediaRow:
    sha256: str
    mime_type: str
    size_bytes: int
    width: int
    height: int
    phash: str  # 16 hex digits


@dataclass(frozen=True, slots=True)
class PendingImage:
    media_id: int
    sha256: str
    lang: str | None  # the language of the first post that carries it


@dataclass(frozen=True, slots=True)
class PostImage:
    media_id: int
    sha256: str
    mime_type: str
    width: int
    height: int
    ocr_text: str | None
    ocr_languages: str | None
    ocr_confidence: float | None


@dataclass(frozen=True, slots=True)
class ServedFile:
    mime_type: str


def _signed(phash_hex: str) -> int:
    """The 64-bit hash as PostgreSQL's signed bigint."""
    number = int(phash_hex, 16)
    return number - (1 << 64) if number >= 1 << 63 else number


def save_media(conn: Conn, media: MediaRow) -> int:
    """The id of this file's row, inserted the first time it is seen."""
    return value(
        conn, int,
        """INSERT INTO media (sha256, mime_type, size_bytes, width, height, phash)
           VALUES (%(sha256)s, %(mime_type)s, %(size_bytes)s, %(width)s, %(height)s, %(phash)s)
           ON CONFLICT (sha256) DO UPDATE SET sha256 = EXCLUDED.sha256
           RETURNING id""",
        {"sha256": media.sha256, "mime_type": media.mime_type, "size_bytes": media.size_bytes,
         "width": media.width, "height": media.height, "phash": _signed(media.phash)})


def link_post(conn: Conn, post_id: int, media_id: int, position: int = 0) -> None:
    conn.execute(
        """INSERT INTO post_media (post_id, media_id, position)
           VALUES (%(post_id)s, %(media_id)s, %(position)s) ON CONFLICT DO NOTHING""",
        {"post_id": post_id, "media_id": media_id, "position": position})
    _refresh_image_search(conn, "SELECT %(post_id)s::bigint", {"post_id": post_id})


# posts.image_search (migration 141): the normalised text of all of a post's images.
_IMAGE_SEARCH = """
UPDATE posts p SET image_search = to_tsvector('simple', found.text)
FROM (SELECT pm.post_id, string_agg(o.normalised, ' ' ORDER BY pm.position, pm.media_id) AS text
      FROM post_media pm JOIN media_ocr o ON o.media_id = pm.media_id
      WHERE pm.post_id IN ({posts}) AND o.normalised <> ''
      GROUP BY pm.post_id) AS found
WHERE p.id = found.post_id AND p.image_search IS DISTINCT FROM to_tsvector('simple', found.text)
"""


def _refresh_image_search(conn: Conn, posts: LiteralString, params: dict[str, object]) -> None:
    conn.execute(_IMAGE_SEARCH.replace("{posts}", posts), params)


def post_id(conn: Conn, platform: str, handle: str, native_id: str) -> int | None:
    return value_or_none(
        conn, int,
        """SELECT p.id FROM posts p JOIN sources s ON s.id = p.source_id
           WHERE p.platform = %(platform)s AND lower(s.handle) = lower(%(handle)s)
             AND p.native_id = %(native_id)s LIMIT 1""",
        {"platform": platform, "handle": handle, "native_id": native_id})


def has_media(conn: Conn, post: int) -> bool:
    return value(conn, bool,
                 "SELECT EXISTS (SELECT 1 FROM post_media WHERE post_id = %(post_id)s)",
                 {"post_id": post})


def record_refusal(conn: Conn, post: int | None, location: str, reason: str) -> None:
    conn.execute(
        """INSERT INTO media_refusals (post_id, location, reason)
           VALUES (%(post_id)s, %(location)s, %(reason)s)""",
        {"post_id": post, "location": location[:500], "reason": reason[:1000]})


def pending_ocr(conn: Conn, *, after: int = 0, limit: int = 16) -> list[PendingImage]:
    """Images not read yet (id > after), oldest first."""
    return fetch_all(
        conn, PendingImage,
        """SELECT m.id AS media_id, m.sha256,
                  (SELECT p.lang FROM post_media pm JOIN posts p ON p.id = pm.post_id
                   WHERE pm.media_id = m.id ORDER BY p.id LIMIT 1) AS lang
           FROM media m
           WHERE m.id > %(after)s AND NOT EXISTS (SELECT 1 FROM media_ocr o WHERE o.media_id = m.id)
           ORDER BY m.id LIMIT %(limit)s""",
        {"after": after, "limit": limit})


def save_ocr(conn: Conn, media_id: int, *, languages: str, text: str, normalised: str,
             confidence: float | None, error: str | None = None) -> None:
    conn.execute(
        """INSERT INTO media_ocr (media_id, languages, text, normalised, confidence, error)
           VALUES (%(media_id)s, %(languages)s, %(text)s, %(normalised)s, %(confidence)s,
                   %(error)s)
           ON CONFLICT (media_id) DO UPDATE
              SET languages = EXCLUDED.languages, text = EXCLUDED.text,
                  normalised = EXCLUDED.normalised, confidence = EXCLUDED.confidence,
                  error = EXCLUDED.error, ocr_at = now()""",
        {"media_id": media_id, "languages": languages, "text": text, "normalised": normalised,
         "confidence": confidence, "error": error})
    _refresh_image_search(conn, "SELECT post_id FROM post_media WHERE media_id = %(media_id)s",
                          {"media_id": media_id})


def post_images(conn: Conn, post: int) -> list[PostImage]:
    return fetch_all(
        conn, PostImage,
        """SELECT m.id AS media_id, m.sha256, m.mime_type, m.width, m.height,
                  o.text AS ocr_text, o.languages AS ocr_languages,
                  o.confidence::float8 AS ocr_confidence
           FROM post_media pm JOIN media m ON m.id = pm.media_id
           LEFT JOIN media_ocr o ON o.media_id = m.id
           WHERE pm.post_id = %(post_id)s ORDER BY pm.position, m.id""",
        {"post_id": post})


def served_file(conn: Conn, sha256: str) -> ServedFile | None:
    """The type of a kept image, if one with this hash is carried by a post."""
    return fetch_one(
        conn, ServedFile,
        """SELECT m.mime_type FROM media m
           WHERE m.sha256 = %(sha256)s AND EXISTS (SELECT 1 FROM post_media pm
                                                  WHERE pm.media_id = m.id)""",
        {"sha256": sha256})


@dataclass(frozen=True, slots=True)
class PendingDownload:
    post_id: int
    native_id: str


def pending_downloads(conn: Conn, source_id: int, *, limit: int,
                      documents: bool = False) -> list[PendingDownload]:
    """A source's posts with a photo (with `documents`, or a document that is an image)
    neither kept nor refused yet, newest first: what the next collection downloads (so a
    run cut short resumes with what it had not finished)."""
    return fetch_all(
        conn, PendingDownload,
        """SELECT p.id AS post_id, p.native_id FROM posts p
           WHERE p.source_id = %(source_id)s
             AND (p.media ->> 'type' = 'photo'
                  OR %(documents)s AND p.media ->> 'type' = 'document'
                     AND p.media ->> 'mime_type' LIKE 'image/%%')
             AND p.deleted_seen_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM post_media pm WHERE pm.post_id = p.id)
             AND NOT EXISTS (SELECT 1 FROM media_refusals r WHERE r.post_id = p.id)
           ORDER BY p.posted_at DESC, p.id DESC LIMIT %(limit)s""",
        {"source_id": source_id, "limit": limit, "documents": documents})
