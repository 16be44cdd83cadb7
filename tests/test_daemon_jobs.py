"""The daemon's job functions on a real database: collection without credentials marks
sources blind (said once), re-checks reach only sources their schedule would not,
housekeeping closes dead runs and prunes old runs and leaderships, and the digests owed
after downtime are each sent once."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor import collecting
from monitor.daemon import jobs
from monitor.health import source_statuses
from monitor.settings import Config, load_config
from storage import collection
from storage import digests as digest_rows
from storage import jobs as job_sql
from storage.database import Database
from storage.rows import one
from tests.factories import add_source, post, write
from tests.secrets_support import empty_secrets_file

NOW = datetime.now(UTC)


def config_for(db: Database, tmp_path: Path) -> Config:
    # No Telegram or X credentials at all: collection must say so per source, not crash.
    return load_config({"CHORUS_DATABASE_URL": db.url, "CHORUS_OUTBOX_DIR": str(tmp_path / "out"),
                        "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
                        "CHORUS_DIGEST_TIME": "07:00", "CHORUS_TIMEZONE": "UTC"})


def test_collection_without_credentials_leaves_sources_blind(
        db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    monkeypatch.setattr(collecting, "_BLIND_SAID", {})  # what this process has said so far
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    add_source(db, "twitter", "alishamkhani_ir", "Ali Shamkhani", "iran_official")
    config = config_for(db, tmp_path)
    with caplog.at_level(logging.INFO):
        for _ in range(3):  # the daemon's runs, a minute apart
            telegram = asyncio.run(jobs.collect_platform(config, db, "telegram"))
            twitter = asyncio.run(jobs.collect_platform(config, db, "twitter"))
    assert telegram["states"] == {"logged_out": 1} and telegram["inserted"] == 0
    assert twitter["states"] == {"failed": 1}
    # Reported once per platform as blind, not an error at every run.
    said = [r.getMessage() for r in caplog.records if r.name == "monitor.collecting"]
    assert len(said) == 2, said
    assert said[0].startswith("telegram is blind (logged_out)")
    assert said[1].startswith("twitter is blind (failed)")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    statuses = {s.handle: (s.condition, s.reason) for s in source_statuses(
        config, db, NOW - timedelta(hours=24), NOW, NOW)}
    assert statuses == {"Tura313": ("blind", "logged_out"),
                        "alishamkhani_ir": ("blind", "failed")}


def test_a_blind_platform_is_said_again_when_its_reason_changes(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once per state: the same stop again is quiet, a new reason or a stop after a good read
    is news (issue 20, point 5)."""
    from collectors.outcomes import PlatformStopped

    monkeypatch.setattr(collecting, "_BLIND_SAID", {})
    logged_out = PlatformStopped("Telegram session is logged out", "logged_out")
    unreachable = PlatformStopped("cannot reach Telegram: timed out", "failed")
    with caplog.at_level(logging.INFO, logger="monitor.collecting"):
        for stop in (logged_out, logged_out, unreachable, unreachable, logged_out):
            collecting._report_blind("telegram", stop)
        collecting._BLIND_SAID.pop("telegram")  # what a run that read through does
        collecting._report_blind("telegram", logged_out)
    said = [r.getMessage().split(":")[0] for r in caplog.records
            if r.levelno == logging.WARNING]
    assert said == ["telegram is blind (logged_out)", "telegram is blind (failed)",
                    "telegram is blind (logged_out)", "telegram is blind (logged_out)"]


def test_recheck_runs_only_sources_their_schedule_would_not_reach(db: Database,
                                                                   tmp_path: Path) -> None:
    import asyncio

    slow = add_source(db, "telegram", "slowchannel", "Slow", "militia_media")
    fast = add_source(db, "telegram", "fastchannel", "Fast", "militia_media")
    with db.connection() as conn:
        conn.execute("UPDATE sources SET interval_minutes = 360 WHERE id = %(id)s", {"id": slow})
        for source_id in (slow, fast):
            collection.set_state(conn, source_id, state="ok", now=NOW - timedelta(minutes=5))
    result = asyncio.run(jobs.recheck_sources(config_for(db, tmp_path), db, "telegram", NOW))
    assert result["sources"] == 1  # only the 6-hourly source; the other runs every 15 min
    with db.connection() as conn:
        states = {r["handle"]: r["state"] for r in conn.execute(
            "SELECT s.handle, c.state FROM sources s JOIN collector_state c ON c.source_id = s.id")}
    # Without credentials the attempt ends as logged_out; the untouched source stays ok.
    assert states == {"slowchannel": "logged_out", "fastchannel": "ok"}


def test_housekeeping_closes_dead_runs_prunes_old_ones_and_sends_the_owed_digest(
        db: Database, tmp_path: Path) -> None:
    with db.connection() as conn:
        dead = job_sql.start_run(conn, "tag")
        live = job_sql.start_run(conn, "converge")
        old = job_sql.start_run(conn, "collect:telegram")
        job_sql.finish_run(conn, old, "ok")
        conn.execute("UPDATE job_runs SET started_at = now() - interval '7 hours' "
                     "WHERE id = %(id)s", {"id": dead})
        conn.execute("UPDATE job_runs SET started_at = now() - interval '40 days', "
                     "finished_at = now() - interval '40 days' WHERE id = %(id)s", {"id": old})
        conn.execute("INSERT INTO leader_terms (daemon, backend_pid, started_at, ended_at) "
                     "VALUES ('old', 1, now() - interval '41 days', now() - interval '40 days'),"
                     " ('recent', 2, now() - interval '1 day', now())")
    result = jobs.housekeeping(config_for(db, tmp_path), db, NOW)
    assert result["abandoned_runs"] == 1 and result["pruned_runs"] == 1
    with db.connection() as conn:
        statuses = {r["id"]: r["status"] for r in conn.execute("SELECT id, status FROM job_runs")}
    assert statuses == {dead: "abandoned", live: "running"}
    with db.connection() as conn:
        terms = [r["daemon"] for r in conn.execute("SELECT daemon FROM leader_terms")]
    assert terms == ["recent"]  # leaderships are forgotten with the runs of their time
    due = jobs.due_dates(config_for(db, tmp_path), db, NOW)
    assert result["digests"] == {due[-1].isoformat(): "written"}


def record(db: Database, day: date, status: str) -> None:
    with db.connection() as conn:
        digest_rows.record(conn, day, message_id=f"<{day}@t>", message=b"x", transport="outbox",
                           recipients=[])
        if status != "pending":
            conn.execute("UPDATE digests SET status = %(s)s WHERE digest_date = %(d)s",
                         {"s": status, "d": day})


def test_owed_digests_after_downtime(db: Database, tmp_path: Path) -> None:
    config = config_for(db, tmp_path)
    at = datetime(2021, 11, 12, 8, 0, tzinfo=UTC)  # the 11 Nov digest is due since 07:00
    assert jobs.due_dates(config, db, at) == [date(2021, 11, 11)]  # a fresh database
    record(db, date(2021, 11, 8), "sent")
    record(db, date(2021, 11, 6), "failed")  # an earlier attempt that never got through
    assert jobs.due_dates(config, db, at) == [date(2021, 11, 6), date(2021, 11, 9),
                                              date(2021, 11, 10), date(2021, 11, 11)]
    record(db, date(2021, 10, 1), "pending")  # too old to owe any more (7-day cap)
    long_after = datetime(2021, 12, 1, 8, 0, tzinfo=UTC)
    owed = jobs.due_dates(config, db, long_after)
    assert owed == [date(2021, 11, 24) + timedelta(days=i) for i in range(7)]


def test_sending_owed_digests_delivers_each_date_once(db: Database, tmp_path: Path) -> None:
    config = config_for(db, tmp_path)
    write(db, post("Tura313", "1", "2021-11-09 10:00", "a post on the ninth"))
    record(db, date(2021, 11, 8), "sent")
    at = datetime(2021, 11, 11, 7, 30, tzinfo=UTC)
    assert jobs.send_due_digests(config, db, at) == {"2021-11-09": "written",
                                                      "2021-11-10": "written"}
    assert jobs.send_due_digests(config, db, at) == {"2021-11-10": "already"}
    names = sorted(p.name for p in (tmp_path / "out").glob("*.eml"))
    assert names == ["chorus-digest-2021-11-09.eml", "chorus-digest-2021-11-10.eml"]


def test_refresh_convergence_recomputes_dirty_days(seeded_db: Database, tmp_path: Path) -> None:
    write(seeded_db, post("Tura313", "1", "2021-11-07 01:00", "a sedition project",
                          labels=["sedition"]))
    result = jobs.refresh_convergence(config_for(seeded_db, tmp_path), seeded_db,
                                      datetime(2021, 11, 8, tzinfo=UTC))
    assert result["days_refreshed"] >= 1
    again = jobs.refresh_convergence(config_for(seeded_db, tmp_path), seeded_db,
                                     datetime(2021, 11, 8, tzinfo=UTC))
    assert again["days_refreshed"] == 0  # idempotent: nothing left to do


@pytest.mark.slow
def test_tag_job_waits_for_posts_tags_them_and_stops_between_batches(seeded_db: Database,
                                                                      tmp_path: Path) -> None:
    import asyncio

    from monitor.daemon.runner import JobContext

    # The torch backend: this tests the job's wiring, not the ONNX export (classifier tests).
    config = load_config({"CHORUS_DATABASE_URL": seeded_db.url, "CHORUS_CLASSIFY_BATCH_SIZE": "2",
                          "CHORUS_CLASSIFIER_BACKEND": "torch",
                          "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})
    context = JobContext(config, seeded_db)
    job = jobs.tag_job()

    async def run_job() -> dict[str, Any] | None:  # asyncio.run takes a coroutine, not an Awaitable
        return await job(context)

    assert asyncio.run(run_job()) == {"posts": 0}  # nothing to tag: the model stays unloaded
    write(seeded_db,
          post("Tura313", "1", "2021-11-07 01:00", "هذا مشروع فتنة تقف خلفه السفارة الأمريكية",
               lang="ar"),
          post("Tura313", "2", "2021-11-07 02:00", "The drone attack was a false flag operation",
               lang="en"),
          post("Tura313", "3", "2021-11-07 03:00", "Weather in Baghdad is hot today", lang="en"))
    done = asyncio.run(run_job())
    assert done is not None and done["posts"] == 3 and done["stopped"] is False
    with seeded_db.connection() as conn:
        tagged = one(conn.execute("SELECT count(*) AS n FROM post_tagging").fetchone())["n"]
    assert tagged == 3
    write(seeded_db, post("Tura313", "4", "2021-11-07 04:00", "another post", lang="en"))
    context.stop.set()  # the daemon is stopping: no new batch starts
    assert asyncio.run(run_job()) == {"posts": 0, "tags": 0, "stopped": True}
