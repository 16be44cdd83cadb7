"""The bulk write path: COPY into a staging table, one INSERT ... ON CONFLICT, one transaction."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any, TypedDict

from classifiers.normalise import detect_language, normalise, normalise_for_matching
from collectors import jsoncodec
from collectors.records import PostRecord
from storage.database import Conn
from storage.rows import fetch_row, value


@dataclass
class WriteCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    labels: int = 0

    def add(self, other: WriteCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.labels += other.labels

    @property
    def written(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def as_dict(self) -> dict[str, int]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "labels": self.labels,
        }


_STAGE_COLUMNS = (
    "ord", "platform", "handle", "native_id", "kind", "url", "lang", "posted_at", "edited_at",
    "text", "normalized_text", "content_hash", "norm_hash", "forwarded_from",
    "forwarded_from_id", "reply_to", "quote_of", "links", "metrics", "media", "raw",
    "labels", "earlier_texts",
)

_CREATE_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS post_stage (
    ord integer, platform text, handle text, native_id text, kind text, url text, lang text,
    posted_at timestamptz, edited_at timestamptz, text text, normalized_text text,
    content_hash bytea, norm_hash bytea, forwarded_from text, forwarded_from_id text,
    reply_to text, quote_of text, links jsonb, metrics jsonb, media jsonb, raw jsonb,
    labels text[], earlier_texts text[]
) ON COMMIT DELETE ROWS
"""

# Sources not yet known are created as observers without an actor: collected, never counted.
_ADD_UNKNOWN_SOURCES = """
INSERT INTO sources (platform, handle, role)
SELECT DISTINCT ON (s.platform, lower(s.handle)) s.platform, s.handle, 'observer'
FROM post_stage s
WHERE NOT EXISTS (SELECT 1 FROM sources x
                  WHERE x.platform = s.platform AND lower(x.handle) = lower(s.handle))
-- Key order: concurrent writers adding the same new sources lock them in the same order.
ORDER BY s.platform, lower(s.handle)
ON CONFLICT DO NOTHING
"""

# New rows inserted, changed texts updated. The batch holds one row per key (see _last_per_key).
_UPSERT = """
WITH batch AS (
    SELECT s.*, src.id AS source_id
    FROM post_stage s
    JOIN sources src ON src.platform = s.platform AND lower(src.handle) = lower(s.handle)
), upserted AS (
    INSERT INTO posts AS p (platform, source_id, native_id, kind, url, lang, posted_at,
        edited_at, text, normalized_text, content_hash, norm_hash, forwarded_from,
        forwarded_from_id, reply_to, quote_of, links, metrics, media, raw, import_file_id,
        fetched_at, version_count)
    SELECT platform, source_id, native_id, kind, url, lang, posted_at, edited_at, text,
        normalized_text, content_hash, norm_hash, forwarded_from, forwarded_from_id,
        reply_to, quote_of, links, metrics, media, raw, %(import_file_id)s, %(fetched_at)s,
        1 + cardinality(earlier_texts)
    FROM batch
    ON CONFLICT (platform, source_id, native_id) DO UPDATE SET
        text = EXCLUDED.text,
        normalized_text = EXCLUDED.normalized_text,
        content_hash = EXCLUDED.content_hash,
        norm_hash = EXCLUDED.norm_hash,
        edited_at = COALESCE(EXCLUDED.edited_at, p.edited_at),
        links = EXCLUDED.links,
        metrics = EXCLUDED.metrics,
        media = EXCLUDED.media,
        raw = EXCLUDED.raw,
        lang = COALESCE(EXCLUDED.lang, p.lang),
        fetched_at = EXCLUDED.fetched_at,
        version_count = p.version_count + 1
    WHERE p.content_hash <> EXCLUDED.content_hash
    RETURNING p.id, p.version_count, p.text, p.content_hash, p.edited_at,
              (p.xmax = 0) AS is_new, p.platform, p.source_id, p.native_id
), versions AS (
    INSERT INTO post_versions (post_id, version, text, content_hash, edited_at, seen_at)
    -- A new post that arrives with an edit history: its earlier texts are versions 1..n.
    SELECT u.id, e.ord::integer, e.txt, sha256(convert_to(e.txt, 'UTF8')), NULL,
           %(fetched_at)s
    FROM upserted u
    JOIN batch b ON b.source_id = u.source_id AND b.native_id = u.native_id
                AND b.platform = u.platform
    CROSS JOIN LATERAL unnest(b.earlier_texts) WITH ORDINALITY AS e(txt, ord)
    WHERE u.is_new
    UNION ALL
    SELECT id, version_count, text, content_hash, edited_at, %(fetched_at)s FROM upserted
    RETURNING post_id
)
SELECT count(*) FILTER (WHERE is_new) AS inserted,
       count(*) FILTER (WHERE NOT is_new) AS updated,
       (SELECT count(*) FROM batch) AS total,
       (SELECT count(*) FROM versions) AS versions
FROM upserted
"""



class _Upserted(TypedDict):
    inserted: int
    updated: int
    total: int  # rows in the batch: the rest were unchanged
    versions: int


_STAGE_LABELS = """
INSERT INTO labels (post_id, narrative, verdict, analyst, note)
SELECT DISTINCT p.id, l.narrative, 'confirm', %(analyst)s, 'imported'
FROM post_stage s
JOIN sources src ON src.platform = s.platform AND lower(src.handle) = lower(s.handle)
JOIN posts p ON p.platform = s.platform AND p.source_id = src.id AND p.native_id = s.native_id
CROSS JOIN LATERAL unnest(s.labels) AS l(narrative)
WHERE cardinality(s.labels) > 0
  AND NOT EXISTS (SELECT 1 FROM current_labels c
                  WHERE c.post_id = p.id AND c.narrative = l.narrative AND c.verdict = 'confirm')
"""


# A \u0000 escape (jsonb cannot hold NUL), but not an escaped backslash followed by "u0000".
_NUL_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def _json(data: object, empty: str) -> str:
    if not data:
        return empty
    text = jsoncodec.dumps(data)
    return _NUL_ESCAPE.sub(r"\1", text) if "\\u0000" in text else text


StageRow = tuple[Any, ...]


def stage_row(ord_: int, r: PostRecord) -> StageRow:
    """The staging-table row for a record: the CPU-bound half of the write path."""
    # PostgreSQL text cannot hold NUL.
    text = r.text.replace("\x00", "") if "\x00" in r.text else r.text
    normalized = normalise(text)
    matchable = normalise_for_matching(normalized, already_normalised=True)
    return (
        ord_, r.platform, r.source, r.native_id, r.kind, r.url,
        r.lang or detect_language(text), r.posted_at, r.edited_at, text, normalized,
        sha256(text.encode("utf-8")).digest(), sha256(matchable.encode("utf-8")).digest(),
        r.forwarded_from, r.forwarded_from_id, r.reply_to, r.quote_of,
        _json(r.links, "[]"), _json(r.metrics, "{}"), _json(r.media, "null") if r.media else None,
        _json(r.raw, "{}"), r.labels, [t.replace("\x00", "") for t in r.earlier_texts],
    )


def prepare(records: Sequence[PostRecord]) -> list[StageRow]:
    return _last_per_key([stage_row(i, r) for i, r in enumerate(records)])


def post_key(row: StageRow) -> tuple[str, str, str]:
    """(platform, source handle in lower case, native id): one post."""
    return (row[1], row[2].lower(), row[3])


def _last_per_key(rows: list[StageRow]) -> list[StageRow]:
    """One row per (platform, source, native id): the last one in the batch wins.

    Done here rather than with DISTINCT ON in SQL, which would sort every batch.
    """
    last: dict[tuple[str, str, str], int] = {}
    for i, row in enumerate(rows):
        last[post_key(row)] = i
    if len(last) == len(rows):
        return rows
    keep = set(last.values())
    return [row for i, row in enumerate(rows) if i in keep]


def start_bulk_session(conn: Conn) -> None:
    """Session settings for a connection that writes large imports.

    The full-text index takes new entries into its pending list, merged into the index
    proper when the list is full or by (auto)vacuum; a larger list for bulk writers merges
    many batches at once instead of every few thousand posts. Searches read the pending
    list too, so nothing written is ever unsearchable.
    """
    conn.execute("SET gin_pending_list_limit = '32MB'")
    conn.commit()


def write_posts(
    conn: Conn,
    records: Sequence[PostRecord],
    *,
    import_file_id: int | None = None,
    fetched_at: datetime | None = None,
    analyst: str = "import",
) -> WriteCounts:
    """Write a batch in one transaction; the same batch written twice adds nothing."""
    return write_prepared(conn, prepare(records), import_file_id=import_file_id,
                          fetched_at=fetched_at, analyst=analyst)


_LABELS_COLUMN = _STAGE_COLUMNS.index("labels")


def write_prepared(
    conn: Conn,
    rows: Sequence[StageRow],
    *,
    import_file_id: int | None = None,
    fetched_at: datetime | None = None,
    analyst: str = "import",
) -> WriteCounts:
    """The database half of write_posts, for rows from prepare() (may run in another thread)."""
    counts = WriteCounts()
    if not rows:
        return counts
    with conn.transaction():
        conn.execute(_CREATE_STAGE)
        columns = ", ".join(_STAGE_COLUMNS)
        with conn.cursor().copy(f"COPY post_stage ({columns}) FROM STDIN") as copy:
            for stage in rows:
                copy.write_row(stage)
        conn.execute(_ADD_UNKNOWN_SOURCES)
        result = fetch_row(
            conn, _Upserted, _UPSERT,
            {"import_file_id": import_file_id, "fetched_at": fetched_at or _now(conn)})
        counts.inserted, counts.updated = result["inserted"], result["updated"]
        counts.unchanged = result["total"] - counts.inserted - counts.updated
        if any(r[_LABELS_COLUMN] for r in rows):
            cur = conn.execute(_STAGE_LABELS, {"analyst": analyst})
            counts.labels = cur.rowcount
        conn.execute("TRUNCATE post_stage")
    return counts


def _now(conn: Conn) -> datetime:
    return value(conn, datetime, "SELECT now() AS now")


def mark_deleted(
    conn: Conn, platform: str, handle: str, native_ids: Iterable[str]
) -> int:
    """Record that these posts were found gone on a re-check; returns how many were marked."""
    cur = conn.execute(
        """UPDATE posts p SET deleted_seen_at = now()
           FROM sources s
           WHERE s.id = p.source_id AND s.platform = %(platform)s
             AND lower(s.handle) = lower(%(handle)s)
             AND p.native_id = ANY(%(ids)s) AND p.deleted_seen_at IS NULL""",
        {"platform": platform, "handle": handle, "ids": list(native_ids)},
    )
    return cur.rowcount


def record_import_file(conn: Conn, kind: str, name: str, sha256: str) -> int:
    return value(
        conn, int,
        "INSERT INTO import_files (kind, name, sha256) VALUES (%(k)s, %(n)s, %(s)s) RETURNING id",
        {"k": kind, "n": name, "s": sha256})


def finish_import_file(conn: Conn, file_id: int, counts: dict[str, int]) -> None:
    conn.execute(
        "UPDATE import_files SET counts = %(c)s::jsonb WHERE id = %(id)s",
        {"c": json.dumps(counts), "id": file_id},
    )
