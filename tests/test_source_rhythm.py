"""The kept posting rhythm behind the silence check (storage/source_rhythm.py, migration 154):
computed once, kept for an hour, recomputed when stale or when the clock goes back; a source
whose newest post was recent when the rhythm was kept is never read again that hour, and a
silence candidate's newest post is read live."""

from __future__ import annotations

from datetime import timedelta

from storage import source_rhythm
from storage.database import Database
from tests.alert_support import NOW
from tests.factories import add_source, post, write


def _hourly(db: Database, handle: str, last_hours_ago: float, posts: int = 24) -> None:
    last = NOW - timedelta(hours=last_hours_ago)
    write(db, *(post(handle, f"{handle}-{i}", (last - timedelta(hours=i)).isoformat(), "p")
                for i in range(posts)))


def _candidates(db: Database, minutes: int = 0) -> list[str]:
    with db.connection() as conn:
        found = source_rhythm.silent_sources(
            conn, NOW + timedelta(minutes=minutes), days=30, percentile=0.95, factor=3.0,
            min_posts=10)
    return [r["handle"] for r in found]


def _kept(db: Database) -> int:
    with db.connection() as conn:
        row = conn.execute("SELECT count(*) AS n FROM source_rhythms").fetchone()
    return int(row["n"]) if row else 0


def test_only_sources_silent_by_their_own_rhythm_are_found(db: Database) -> None:
    add_source(db, "telegram", "quietnow", "Quiet", "militia_media")
    add_source(db, "telegram", "busy", "Busy", "militia_media")
    add_source(db, "telegram", "few", "Few", "militia_media")
    _hourly(db, "quietnow", 5)  # hourly until 5 h ago: 5x its usual gap
    _hourly(db, "busy", 0.5)
    _hourly(db, "few", 9, posts=4)  # too few posts to have a rhythm worth alerting on
    assert _candidates(db) == ["quietnow"]
    assert _kept(db) == 3  # every active source that posted is kept, candidate or not


def test_the_kept_rhythm_lasts_an_hour_and_the_newest_post_is_read_live(
        db: Database) -> None:
    add_source(db, "telegram", "quietnow", "Quiet", "militia_media")
    _hourly(db, "quietnow", 5)
    assert _candidates(db) == ["quietnow"]
    write(db, post("quietnow", "back", NOW.isoformat(), "back"))
    assert _candidates(db, 1) == []  # its newest post, read live, ends the silence
    add_source(db, "telegram", "later", "Later", "militia_media")
    _hourly(db, "later", 6)
    assert _candidates(db, 30) == []  # not in the rhythm kept 30 minutes ago
    assert _candidates(db, 61) == ["later"]  # kept over an hour: computed again


def test_a_clock_that_goes_back_recomputes(db: Database) -> None:
    add_source(db, "telegram", "quietnow", "Quiet", "militia_media")
    _hourly(db, "quietnow", 5)
    assert _candidates(db, 120) == ["quietnow"]
    # Two hours earlier the source had posted 3 h before: under 3x its hourly gap... and the
    # rhythm kept for a later time is not used for an earlier one.
    assert _candidates(db, -120) == []
