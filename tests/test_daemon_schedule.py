"""The daemon's schedule under a controlled clock (time-machine): jobs fire when they should,
missed runs coalesce, and the digest goes out once per date, with catch-up after downtime.

The real Daemon runs (leader election on the real database, the scheduler, the job runner,
the real digest, housekeeping and convergence jobs); collection, tagging and re-checks,
which need a network or the model and are tested in their own areas, are replaced by
counters. The clock moves only when the test moves it; `wakeup()` makes the scheduler look.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import time_machine
from apscheduler.triggers.cron import CronTrigger

from monitor.daemon.jobs import default_jobs
from monitor.daemon.main import Daemon
from monitor.daemon.runner import JobContext, JobFunc
from monitor.digest.schedule import due_date, period
from monitor.settings import Config, load_config
from storage import digests as digest_rows
from storage.database import Database
from tests.secrets_support import empty_secrets_file

START = datetime(2021, 11, 7, 6, 50, tzinfo=UTC)
REPLACED = ("collect:telegram", "collect:twitter", "tag", "recheck")


def make_config(db: Database, tmp_path: Path, **extra: str) -> Config:
    env = {
        "CHORUS_DATABASE_URL": db.url, "CHORUS_OUTBOX_DIR": str(tmp_path / "outbox"),
        "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path), "CHORUS_DIGEST_TIME": "07:00",
        "CHORUS_TIMEZONE": "UTC", "CHORUS_COLLECT_JITTER_S": "20",
        "CHORUS_LEADER_RETRY_S": "0.1", "CHORUS_LEADER_CHECK_S": "0.2",
    }
    env.update({f"CHORUS_{k.upper()}": v for k, v in extra.items()})
    return load_config(env)


def counting(calls: Counter[str], name: str) -> JobFunc:
    async def run(ctx: JobContext) -> dict[str, Any]:
        calls[name] += 1
        return {"at": ctx.now().isoformat()}
    return run


async def settle(daemon: Daemon) -> None:
    """Let every job the scheduler started run to its end."""
    quiet = 0
    while quiet < 3:
        await asyncio.sleep(0)
        if daemon.runner.in_flight:
            quiet = 0
            await asyncio.wait(set(daemon.runner.in_flight), timeout=60)
        else:
            quiet += 1


async def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def digests(db: Database) -> dict[date, tuple[str, int]]:
    with db.connection() as conn:
        rows = digest_rows.recent(conn, limit=50)
    return {r["digest_date"]: (r["status"], r["attempts"]) for r in rows}


def test_jobs_fire_on_schedule_and_the_digest_once_per_day(db: Database, tmp_path: Path) -> None:
    config = make_config(db, tmp_path)
    calls: Counter[str] = Counter()

    async def scenario() -> None:
        with time_machine.travel(START, tick=False) as clock:
            specs = [dataclasses.replace(s, func=counting(calls, s.id)) if s.id in REPLACED
                     else s for s in default_jobs(config)]
            daemon = Daemon(config, db, specs, name="daemon-under-test")
            running = asyncio.create_task(daemon.run())
            await wait_for(lambda: daemon.leadership.is_leader)
            await settle(daemon)
            # Becoming leader runs housekeeping at once: it owes the digest of 5 Nov (the
            # 6 Nov digest is due at 07:00 on 7 Nov, ten minutes from now).
            assert set(digests(db)) == {date(2021, 11, 5)}
            jobs = {job.id: job for job in daemon.scheduler.get_jobs()}
            assert jobs["digest"].misfire_grace_time == 12 * 3600
            assert all(j.coalesce and j.max_instances == 1 for j in jobs.values())
            assert isinstance(jobs["digest"].trigger, CronTrigger)
            assert jobs["collect:telegram"].trigger.jitter == 20

            for _ in range(360):  # three hours in half-minute steps
                clock.shift(timedelta(seconds=30))
                daemon.scheduler.wakeup()
                await settle(daemon)
            assert calls["tag"] == 180
            # Every minute plus up to 20 s of jitter (APScheduler 3 carries the jitter into
            # the next interval): between one per 80 s and one per 60 s.
            for platform in ("collect:telegram", "collect:twitter"):
                assert 3 * 3600 / 80 <= calls[platform] <= 180
            assert calls["recheck"] == 3
            assert daemon.runner.completed["converge"] == 36
            assert daemon.runner.completed["housekeeping"] == 13  # 12 + the catch-up
            assert daemon.runner.completed["digest"] == 1  # 07:00 on 7 Nov
            assert set(digests(db)) == {date(2021, 11, 5), date(2021, 11, 6)}

            # A day passes at once (a suspended machine): every job runs once, not 1440 times.
            before = dict(calls)
            clock.shift(timedelta(days=1))
            daemon.scheduler.wakeup()
            await settle(daemon)
            assert calls["tag"] == before["tag"] + 1
            assert daemon.runner.completed["digest"] == 2
            assert date(2021, 11, 7) in digests(db)

            # Two days down: the digest job runs once and owes both missed dates.
            clock.shift(timedelta(days=2))
            daemon.scheduler.wakeup()
            await settle(daemon)
            assert daemon.runner.completed["digest"] == 3
            for _ in range(30):
                clock.shift(timedelta(minutes=1))
                daemon.scheduler.wakeup()
                await settle(daemon)
            daemon.request_stop()
            assert await asyncio.wait_for(running, timeout=30) == 0

    asyncio.run(scenario())
    expected = {date(2021, 11, d) for d in range(5, 10)}
    assert digests(db) == dict.fromkeys(expected, ("written", 1))  # each date once, first try
    files = sorted(p.name for p in (tmp_path / "outbox").glob("*.eml"))
    assert files == [f"chorus-digest-{d.isoformat()}.eml" for d in sorted(expected)]


def test_digest_time_follows_the_configured_time_zone(db: Database, tmp_path: Path) -> None:
    config = make_config(db, tmp_path, timezone="Asia/Baghdad")  # UTC+3
    (digest,) = [s for s in default_jobs(config) if s.id == "digest"]
    first = digest.trigger.get_next_fire_time(None, datetime(2021, 11, 7, 0, 0, tzinfo=UTC))
    assert first == datetime(2021, 11, 7, 4, 0, tzinfo=UTC)  # 07:00 in Baghdad
    assert due_date(config, datetime(2021, 11, 7, 3, 59, tzinfo=UTC)) == date(2021, 11, 5)
    assert due_date(config, datetime(2021, 11, 7, 4, 0, tzinfo=UTC)) == date(2021, 11, 6)
    assert period(config, date(2021, 11, 6)) == (datetime(2021, 11, 5, 21, tzinfo=UTC),
                                                 datetime(2021, 11, 6, 21, tzinfo=UTC))


def test_bad_schedule_settings_stop_the_daemon_with_a_clear_message(db: Database,
                                                                     tmp_path: Path) -> None:
    from click.testing import CliRunner

    from monitor.cli import cli

    base = {"CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}
    for extra, message in ((
            {"CHORUS_TIMEZONE": "Mars/Olympus"}, "setting timezone: unknown time zone"),
            ({"CHORUS_DIGEST_TIME": "7am"}, "setting digest_time: '7am' is not HH:MM")):
        result = CliRunner().invoke(cli, ["daemon"], env={**base, **extra})
        assert result.exit_code == 2 and message in result.stderr
        assert "Traceback" not in result.stderr
