"""import_stream with several writer connections: same result as one, order kept per post."""

from __future__ import annotations

from datetime import timedelta

import pytest

from collectors.records import PostRecord, RejectedRecord
from monitor.importing import import_stream
from storage.database import Database
from tests.factories import at

T0 = at("2021-11-07T01:00:00Z")


def _stream(posts: int, edits: int) -> list[PostRecord | RejectedRecord]:
    """posts posts over 40 new sources; each is later written again `edits` times with a
    new text, so every post has 1 + edits versions and the last text must win."""
    items: list[PostRecord | RejectedRecord] = []
    for round_ in range(edits + 1):
        items.extend(PostRecord(
            platform="telegram" if i % 3 else "twitter", source=f"NewSource{i % 40}",
            native_id=str(i), posted_at=T0 + timedelta(minutes=i),
            text=f"post {i} text number {round_}", labels=[]) for i in range(posts))
        items.append(RejectedRecord(f"line {len(items) + 1}", "broken on purpose"))
    return items


@pytest.mark.parametrize("writers", [1, 2, 3])
def test_writers_give_the_same_posts_versions_and_counts(db: Database, writers: int) -> None:
    summary = import_stream(db, _stream(600, 2), kind="jsonl", batch_size=250,
                            writer_count=writers)
    assert summary.counts.inserted == 600
    assert summary.counts.updated == 1200
    assert summary.rejected_count == 3
    with db.connection() as conn:
        rows = conn.execute(
            "SELECT p.native_id, p.text, p.version_count, "
            "       (SELECT count(*) FROM post_versions v WHERE v.post_id = p.id) AS versions "
            "FROM posts p").fetchall()
        sources = conn.execute(
            "SELECT count(*) AS n FROM sources WHERE handle LIKE 'NewSource%%'").fetchone()
    assert len(rows) == 600
    assert all(r["text"] == f"post {r['native_id']} text number 2" for r in rows)
    assert all(r["version_count"] == 3 and r["versions"] == 3 for r in rows)
    # Each handle exists once per platform although both writers met it as new.
    assert sources is not None and sources["n"] == 80


def test_the_same_stream_again_changes_nothing(db: Database) -> None:
    import_stream(db, _stream(300, 0), kind="jsonl", batch_size=100, writer_count=2)
    again = import_stream(db, _stream(300, 0), kind="jsonl", batch_size=100, writer_count=2)
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 300)
