"""The job runner: failures are logged, recorded and retried with backoff (deadlocks too);
bugs do not stop the daemon; draining lets a job finish its page or abandons it, and an
abandoned thread neither runs on nor overlaps the job's next run; no job starts unless the
leadership is confirmed. Real database, real scheduler, controlled clock."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from collectors.retry import RetryPolicy
from monitor.daemon.runner import RETRY_SUFFIX, JobContext, JobRunner, JobSpec
from monitor.settings import load_config
from storage.database import Database, DatabaseUnavailable
from tests.secrets_support import shared_empty_secrets_file

START = datetime(2021, 11, 7, 6, 0, tzinfo=UTC)
UNREACHABLE = "postgresql://chorus:pw@127.0.0.1:1/chorus"


def rows(db: Database, job: str) -> list[tuple[str, str | None]]:
    with db.connection() as conn:
        found = conn.execute("SELECT status, error FROM job_runs WHERE job = %(j)s ORDER BY id",
                             {"j": job}).fetchall()
    return [(r["status"], r["error"]) for r in found]


async def settle(runner: JobRunner) -> None:
    for _ in range(5):
        await asyncio.sleep(0)
        while runner.in_flight:
            await asyncio.wait(set(runner.in_flight), timeout=30)


def make_runner(db: Database, specs: list[JobSpec]) -> tuple[AsyncIOScheduler, JobRunner]:
    scheduler = AsyncIOScheduler(timezone=UTC)
    config = load_config({"CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": shared_empty_secrets_file()})
    runner = JobRunner(JobContext(config, db), scheduler, specs,
                       RetryPolicy(base_delay_s=30, max_delay_s=900, jitter=0.0))
    runner.schedule_all()
    return scheduler, runner


def run_with_clock(body: Callable[[Any], Awaitable[None]]) -> None:
    async def main() -> None:
        with time_machine.travel(START, tick=False) as clock:
            await body(clock)
    asyncio.run(main())


def test_failures_are_recorded_and_retried_with_backoff(db: Database,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    attempts: list[datetime] = []

    async def flaky(ctx: JobContext) -> dict[str, Any]:
        attempts.append(ctx.now())
        if len(attempts) <= 2:  # a real connection failure, twice
            Database(UNREACHABLE).check(timeout=1)
        return {"ok": True}

    async def body(clock: Any) -> None:
        scheduler, runner = make_runner(db, [JobSpec(
            "flaky", flaky, IntervalTrigger(minutes=5, timezone=UTC), misfire_grace_time=60)])
        scheduler.start()

        async def at(offset: timedelta) -> None:
            clock.move_to(START + offset)
            scheduler.wakeup()
            await settle(runner)

        await at(timedelta(minutes=5))  # first run: fails, retry in 30 s
        await at(timedelta(minutes=5, seconds=20))  # nothing yet
        assert len(attempts) == 1
        await at(timedelta(minutes=5, seconds=30))  # the retry: fails, next in 60 s
        assert len(attempts) == 2
        await at(timedelta(minutes=6))  # still backing off
        assert len(attempts) == 2
        await at(timedelta(minutes=6, seconds=30))  # the second retry succeeds
        assert len(attempts) == 3
        await at(timedelta(minutes=10))  # back on the normal schedule
        assert len(attempts) == 4
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)

    with caplog.at_level(logging.WARNING, logger="chorus.jobs"):
        run_with_clock(body)
    history = rows(db, "flaky")
    assert [status for status, _ in history] == ["failed", "failed", "ok", "ok"]
    assert "DatabaseUnavailable" in str(history[0][1]) and "pw@" not in str(history[0][1])
    assert "retrying in 30s" in caplog.text and "retrying in 60s" in caplog.text


def test_an_unexpected_error_is_recorded_and_the_scheduler_goes_on(db: Database) -> None:
    calls: list[int] = []

    async def buggy(ctx: JobContext) -> dict[str, Any]:
        calls.append(1)
        raise KeyError("a bug")

    async def fine(ctx: JobContext) -> dict[str, Any]:
        return {}

    async def body(clock: Any) -> None:
        scheduler, runner = make_runner(db, [
            JobSpec("buggy", buggy, IntervalTrigger(minutes=1, timezone=UTC), 60),
            JobSpec("fine", fine, IntervalTrigger(minutes=1, timezone=UTC), 60)])
        scheduler.start()
        for minute in range(1, 5):
            clock.move_to(START + timedelta(minutes=minute))
            scheduler.wakeup()
            await settle(runner)
        assert runner.completed["fine"] == 4
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)

    run_with_clock(body)
    # Minutes 1, 2 and 3 (after 30 s and 60 s of backoff), not 4 (120 s); the other job
    # ran every minute regardless.
    assert len(calls) == 3
    assert rows(db, "buggy") == [("failed", "KeyError: 'a bug'")] * 3


def test_drain_lets_a_job_finish_its_page_or_abandons_it(db: Database) -> None:
    finished: list[str] = []

    async def polite(ctx: JobContext) -> dict[str, Any]:
        await asyncio.to_thread(ctx.stop.wait)  # a worker that checks the flag between pages
        finished.append("polite")
        return {"pages": 1}

    async def stubborn(ctx: JobContext) -> dict[str, Any]:
        await asyncio.sleep(3600)  # never looks at the flag
        return {}

    async def main() -> None:
        scheduler, runner = make_runner(db, [
            JobSpec("polite", polite, IntervalTrigger(hours=1, timezone=UTC), 60),
            JobSpec("stubborn", stubborn, IntervalTrigger(hours=1, timezone=UTC), 60)])
        scheduler.start(paused=True)
        runner.run_soon("polite")
        runner.run_soon("stubborn")
        scheduler.resume()
        for _ in range(50):
            await asyncio.sleep(0.01)
        assert len(runner.in_flight) == 2
        await runner.drain(0.5)
        assert runner.in_flight == set()
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)

    asyncio.run(main())
    assert finished == ["polite"]
    assert rows(db, "polite") == [("ok", None)]
    assert rows(db, "stubborn") == [("abandoned", "stopped before finishing")]


def fails_once(job_id: str, fail: Callable[[], None], attempts: list[int]) -> JobSpec:
    """An hourly job whose first run calls `fail` in a thread; every run is counted."""
    async def job(ctx: JobContext) -> dict[str, Any]:
        attempts.append(1)
        if len(attempts) == 1:
            await asyncio.to_thread(fail)
        return {}
    return JobSpec(job_id, job, IntervalTrigger(hours=1, timezone=UTC), misfire_grace_time=60)


def test_an_abandoned_thread_stops_at_its_page_and_its_job_waits_for_it(
        db: Database, caplog: pytest.LogCaptureFixture) -> None:
    """Past the grace the task is cancelled but its thread cannot be: the run's stop flag
    stays set, so the thread ends at its page boundary, and the job does not start again
    (overlapping it) until the thread has returned."""
    pages: list[int] = []
    runs: list[int] = []

    async def slow_pages(ctx: JobContext) -> dict[str, Any]:
        run = len(runs) + 1
        runs.append(run)

        def work() -> None:
            while not ctx.stop.is_set():
                time.sleep(0.6)  # a page that outlasts the grace
                pages.append(run)
        await asyncio.to_thread(work)
        return {}

    async def main() -> None:
        _, runner = make_runner(db, [
            JobSpec("slow", slow_pages, IntervalTrigger(hours=1, timezone=UTC), 60)])
        first = asyncio.create_task(runner.run("slow"))
        await asyncio.sleep(0.1)
        await runner.drain(0.1)  # cancels the task; the thread is mid-page
        assert first.done() and runner.threads.live("slow") == 1
        with caplog.at_level(logging.WARNING, logger="chorus.jobs"):
            await runner.run("slow")  # not while the old thread lives
        assert runs == [1] and "still finishing its page" in caplog.text
        await asyncio.wait_for(runner.join_threads(), 5)
        assert pages == [1]  # the page in progress, then nothing more
        await asyncio.sleep(0.7)
        assert pages == [1]  # (a cleared flag let the thread go on for good)

    asyncio.run(main())
    assert rows(db, "slow") == [("abandoned", "stopped before finishing")]


def test_no_job_starts_while_the_leadership_is_unconfirmed(
        db: Database, caplog: pytest.LogCaptureFixture) -> None:
    ran: list[int] = []

    async def job(ctx: JobContext) -> dict[str, Any]:
        ran.append(1)
        return {}

    async def main() -> None:
        scheduler = AsyncIOScheduler(timezone=UTC)
        config = load_config({"CHORUS_DATABASE_URL": db.url,
                              "CHORUS_SECRETS_FILE": shared_empty_secrets_file()})
        runner = JobRunner(JobContext(config, db), scheduler,
                           [JobSpec("job", job, IntervalTrigger(hours=1, timezone=UTC), 60)],
                           RetryPolicy(), leading=lambda: False)
        await runner.run("job")

    with caplog.at_level(logging.WARNING, logger="chorus.jobs"):
        asyncio.run(main())
    assert ran == [] and rows(db, "job") == []
    assert "leadership is not confirmed" in caplog.text


def test_a_deadlock_is_retried_like_an_outage_not_reported_as_a_bug(
        db: Database, caplog: pytest.LogCaptureFixture) -> None:
    attempts: list[int] = []

    def lose_a_race() -> None:
        with db.connection() as conn:  # the server's own deadlock error, SQLSTATE 40P01
            conn.execute("DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' "
                         "USING ERRCODE = 'deadlock_detected'; END $$")

    async def body(clock: Any) -> None:
        scheduler, runner = make_runner(db, [fails_once("racy", lose_a_race, attempts)])
        scheduler.start()
        await runner.run("racy")  # fails: a retry in 30 s
        clock.move_to(START + timedelta(seconds=31))
        scheduler.wakeup()
        await settle(runner)
        assert len(attempts) == 2
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)

    with caplog.at_level(logging.WARNING):
        run_with_clock(body)
    (failed, error), ok = rows(db, "racy")
    assert failed == "failed" and "SQLSTATE 40P01" in str(error) and ok == ("ok", None)
    assert "retrying in 30s" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # not a bug


def test_regained_leadership_forgets_backoff_and_retries_at_once(db: Database) -> None:
    attempts: list[int] = []

    def outage() -> None:
        Database(UNREACHABLE).check(timeout=1)

    async def body(clock: Any) -> None:
        scheduler, runner = make_runner(db, [fails_once("flaky", outage, attempts)])
        scheduler.start()
        await runner.run("flaky")  # fails: backing off for 30 s
        await runner.run("flaky")
        assert len(attempts) == 1
        runner.reset_backoff()
        assert scheduler.get_job("flaky" + RETRY_SUFFIX) is None
        scheduler.wakeup()
        await settle(runner)  # the catch-up run, now rather than in 30 s
        assert len(attempts) == 2
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)

    run_with_clock(body)
    assert [status for status, _ in rows(db, "flaky")] == ["failed", "ok"]


def test_unreachable_database_error_is_the_transient_kind() -> None:
    with pytest.raises(DatabaseUnavailable):
        Database(UNREACHABLE).check(timeout=1)
