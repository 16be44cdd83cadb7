"""The job runner: failures are logged, recorded and retried with backoff; bugs do not stop
the daemon; draining lets a job finish its page or abandons it. Real database, real
scheduler, controlled clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from collectors.retry import RetryPolicy
from monitor.job_runner import JobContext, JobRunner, JobSpec
from monitor.settings import load_config
from storage.database import Database, DatabaseUnavailable

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
    config = load_config({"CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": "/nonexistent"})
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
        assert runner.in_flight == set() and not runner.context.stop.is_set()
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)

    asyncio.run(main())
    assert finished == ["polite"]
    assert rows(db, "polite") == [("ok", None)]
    assert rows(db, "stubborn") == [("abandoned", "stopped before finishing")]


def test_unreachable_database_error_is_the_transient_kind() -> None:
    with pytest.raises(DatabaseUnavailable):
        Database(UNREACHABLE).check(timeout=1)
