"""narrative_posts rows carry their post's matching features on every path that writes them."""

from __future__ import annotations

from typing import Any

from storage.convergence.report import rebuild_rollups
from storage.database import Database
from tests.convergence_scenarios import add_narrative, post_id, tag
from tests.factories import add_source, post, write


def _rows(db: Database) -> list[dict[str, Any]]:
    with db.connection() as conn:
        return conn.execute(
            """SELECT np.narrative, np.post_id, np.shingles, np.grams,
                      f.shingles AS source_shingles, f.grams AS source_grams
               FROM narrative_posts np LEFT JOIN post_features f USING (post_id)
               ORDER BY np.post_id, np.narrative""").fetchall()


def _assert_copied(rows: list[dict[str, Any]]) -> None:
    assert rows
    for row in rows:
        assert row["shingles"] is not None and row["grams"] is not None, row
        assert (row["shingles"], row["grams"]) == (row["source_shingles"], row["source_grams"])


def test_features_follow_tags_edits_and_rebuilds(db: Database) -> None:
    for key in ("false_flag", "sedition"):
        add_narrative(db, key)
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    write(db, post("Tura313", "1", "2021-11-07 01:00", "the americans staged this false flag"),
          post("Tura313", "2", "2021-11-07 02:00", "sedition is the aim of foreign think tanks"))
    tag(db, "Tura313", "1", "false_flag", 0.9)
    tag(db, "Tura313", "2", "sedition", 0.9)
    tag(db, "Tura313", "1", "sedition", 0.8)  # a second narrative for a post with features
    first = _rows(db)
    _assert_copied(first)
    assert len(first) == 3

    # An edit recomputes the features, in narrative_posts too.
    write(db, post("Tura313", "1", "2021-11-07 01:00", "a completely different text now"))
    edited = _rows(db)
    _assert_copied(edited)
    one = post_id(db, "Tura313", "1")
    before = [r["shingles"] for r in first if r["post_id"] == one]
    after = [r["shingles"] for r in edited if r["post_id"] == one]
    assert len(after) == 2 and after != before

    with db.connection() as conn:
        assert rebuild_rollups(conn) == 3
    rebuilt = _rows(db)
    _assert_copied(rebuilt)
    assert [(r["narrative"], r["shingles"]) for r in rebuilt] == [
        (r["narrative"], r["shingles"]) for r in edited]
