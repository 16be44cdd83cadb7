"""Small builders for tests: sources, actors, posts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from collectors.records import PostRecord
from storage import catalog
from storage.database import Database
from storage.posts import WriteCounts, write_posts


def at(text: str) -> datetime:
    """'2021-11-07 01:00' (UTC) or any ISO 8601 time with an offset."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def add_source(db: Database, platform: str, handle: str, actor: str, group: str,
               role: str = "actor") -> int:
    with db.connection() as conn:
        catalog.upsert_actor(conn, catalog.ActorSpec(actor, group))
        source_id, _ = catalog.upsert_source(
            conn, catalog.SourceSpec(platform=platform, handle=handle, role=role, actor=actor))
    return source_id


def post(handle: str, native_id: str, when: str, text: str, platform: str = "telegram",
         **extra: Any) -> PostRecord:
    return PostRecord(platform=platform, source=handle, native_id=native_id,  # type: ignore[arg-type]
                      posted_at=at(when), text=text, **extra)


def write(db: Database, *records: PostRecord) -> WriteCounts:
    with db.connection() as conn:
        return write_posts(conn, list(records))
