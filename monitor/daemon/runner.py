"""Runs the daemon's jobs: one at a time per job, recorded in job_runs, backed off on failure.

A job that fails with a transient error (database down, SMTP unreachable, network, retries
exhausted) is logged, recorded, and not tried again before its backoff delay has passed
(doubling from job_retry_initial_s up to job_retry_max_s). A one-off retry is scheduled at
that moment, so a daily job (the digest) does not wait a day to catch up. A deadlock or a
serialization failure is transient too (the statement lost a race; it is retried the same
way). Other errors are bugs: APScheduler logs them with their traceback, and they are
recorded and backed off too. Backoff is forgotten when leadership is regained.

Under faults (monitor/daemon/threads.py): each run has its own stop flag, set when the daemon
stops or loses the lead and never cleared, so a thread that outlives its abandoned run
stops at its next page; no run of a job starts while a thread of its previous run lives,
nor any run while the leadership is unconfirmed (a frozen leader that resumes). Outcomes the
database cannot take are kept and written later (monitor/daemon/outcomes.py).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger

from collectors.retry import RetriesExhausted, RetryPolicy
from monitor.daemon.outcomes import Outcome, Outcomes
from monitor.daemon.threads import CURRENT_JOB, JobThreads, RunStop
from monitor.digest.send import DeliveryError
from monitor.errors import UserError
from monitor.settings import Config
from storage.database import (
    RETRYABLE_ERRORS,
    Database,
    DatabaseError,
    DatabaseUnavailable,
    describe_database_error,
)

log = logging.getLogger("chorus.jobs")

# Failures the daemon expects and rides out; anything else is a bug and is logged loudly.
TRANSIENT: tuple[type[Exception], ...] = (
    DatabaseUnavailable, DeliveryError, RetriesExhausted, OSError,
    UserError,  # e.g. seeds not loaded, model missing: logged with its fix, retried later
    *RETRYABLE_ERRORS,
)
RETRY_SUFFIX = ":retry"


@dataclass
class JobContext:
    """What a job gets: the settings, the database, and a stop flag to check between pages
    (each run gets its own)."""

    config: Config
    db: Database
    stop: threading.Event = field(default_factory=threading.Event)

    def now(self) -> datetime:
        return datetime.now(UTC)


JobFunc = Callable[[JobContext], Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job and how the scheduler treats late, overlapping or piled-up runs."""

    id: str
    func: JobFunc
    trigger: BaseTrigger
    misfire_grace_time: int | None  # seconds late a run may still start; None: always
    coalesce: bool = True  # several missed runs run once
    max_instances: int = 1


def always() -> bool:
    return True


class JobRunner:
    def __init__(self, context: JobContext, scheduler: AsyncIOScheduler, specs: list[JobSpec],
                 policy: RetryPolicy, *, daemon: str | None = None,
                 leading: Callable[[], bool] = always) -> None:
        self.context = context
        self._scheduler = scheduler
        self._specs = {spec.id: spec for spec in specs}
        self._policy = policy
        self._leading = leading  # True while this daemon's leadership is confirmed
        self._locks = {spec.id: asyncio.Lock() for spec in specs}
        self._failures: dict[str, int] = {}
        self._not_before: dict[str, datetime] = {}
        self._runs: dict[str, int | None] = {}
        self._started: dict[str, datetime] = {}
        self._stops: dict[str, threading.Event] = {}
        self.outcomes = Outcomes(context.db, daemon)
        self.threads = JobThreads()
        self._installed_on: asyncio.AbstractEventLoop | None = None
        self.in_flight: set[asyncio.Task[Any]] = set()
        self.completed: dict[str, int] = {}  # successful runs per job, for tests and status
        scheduler.add_listener(self._on_error, EVENT_JOB_ERROR)

    def schedule_all(self) -> None:
        for spec in self._specs.values():
            self._scheduler.add_job(
                self.run, spec.trigger, args=[spec.id], id=spec.id, name=spec.id,
                misfire_grace_time=spec.misfire_grace_time, coalesce=spec.coalesce,
                max_instances=spec.max_instances, replace_existing=True,
            )

    def run_soon(self, job_id: str) -> None:
        """Run a job now, outside its schedule (catch-up after becoming leader), if the
        schedule has it."""
        if job_id not in self._specs:
            return
        self._scheduler.add_job(self.run, DateTrigger(run_date=self.context.now()),
                                args=[job_id], id=job_id + ":now", replace_existing=True,
                                misfire_grace_time=None)

    def install(self) -> None:
        """Make JobThreads the running loop's default executor (before any to_thread)."""
        loop = asyncio.get_running_loop()
        if self._installed_on is not loop:
            loop.set_default_executor(self.threads)
            self._installed_on = loop

    def reset_backoff(self) -> None:
        """Leadership regained: what failed (most likely with the database) is tried again
        now, not after a delay that grew while nothing could succeed."""
        failed = list(self._failures)
        self._failures.clear()
        self._not_before.clear()
        for job in self._scheduler.get_jobs():
            if job.id.endswith(RETRY_SUFFIX):
                job.remove()
        for job_id in failed:
            self.run_soon(job_id)

    async def run(self, job_id: str) -> None:
        """The callable the scheduler runs for every job."""
        self.install()
        job_id = job_id.removesuffix(RETRY_SUFFIX)
        spec, lock = self._specs[job_id], self._locks[job_id]
        not_before = self._not_before.get(job_id)
        if lock.locked() or (not_before is not None and self.context.now() < not_before):
            return  # already running, or backing off: the scheduled retry will run it
        if self.threads.live(job_id):
            log.warning("job %s not started: a thread of its abandoned run is still finishing "
                        "its page", job_id)
            return
        if not self._leading():
            log.warning("job %s not started: this daemon's leadership is not confirmed (it "
                        "was silent, perhaps frozen); it acts again only once confirmed",
                        job_id)
            return
        CURRENT_JOB.set(job_id)  # this task's context: its threads count as the job's
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
        try:
            async with lock:
                await self._attempt(spec)
        finally:
            if task is not None:
                self.in_flight.discard(task)

    async def _attempt(self, spec: JobSpec) -> None:
        context = replace(self.context, stop=RunStop(self._leading))
        self._stops[spec.id] = context.stop
        self._started[spec.id] = self.context.now()
        try:
            self._runs[spec.id] = await asyncio.to_thread(self.outcomes.start_run, spec.id)
            detail = await spec.func(context)
        except TRANSIENT as exc:
            try:
                await self._failed(spec.id, exc)
            except asyncio.CancelledError:
                # drain() (lost leadership, shutdown) came while the failure was being
                # recorded: the run is abandoned like any other; the next leader runs it.
                log.info("job %s stopped while its failure was being recorded", spec.id)
            return
        except asyncio.CancelledError:
            # Only drain() cancels jobs: the run is abandoned on purpose (its pages are whole
            # transactions), which is not a failure to report or retry.
            log.info("job %s abandoned at its current page", spec.id)
            await asyncio.shield(asyncio.to_thread(self._finish, spec.id, "abandoned", {},
                                                   "stopped before finishing"))
            return
        finally:
            self._stops.pop(spec.id, None)
        self._failures.pop(spec.id, None)
        self._not_before.pop(spec.id, None)
        self.completed[spec.id] = self.completed.get(spec.id, 0) + 1
        await asyncio.to_thread(self._finish, spec.id, "ok", detail or {}, None)

    def _finish(self, job_id: str, status: str, detail: dict[str, Any],
                error: str | None) -> None:
        """Record the outcome (kept for later while the database is away; logged always)."""
        now = self.context.now()
        self.outcomes.record(Outcome(
            job_id, self._runs.pop(job_id, None), status, detail, error,
            started_at=self._started.pop(job_id, now), finished_at=now))

    async def _failed(self, job_id: str, exc: BaseException) -> None:
        failures = self._failures.get(job_id, 0) + 1
        self._failures[job_id] = failures
        delay = self._policy.delay(failures)
        retry_at = self.context.now() + timedelta(seconds=delay)
        self._not_before[job_id] = retry_at
        said = describe_database_error(exc) if isinstance(exc, DatabaseError) else str(exc)
        message = f"{type(exc).__name__}: {said}"
        log.warning("job %s failed (%s); attempt %d, retrying in %.0fs", job_id, message,
                    failures, delay)
        await asyncio.to_thread(self._finish, job_id, "failed", {"attempt": failures}, message)
        self._scheduler.add_job(self.run, DateTrigger(run_date=retry_at),
                                args=[job_id + RETRY_SUFFIX], id=job_id + RETRY_SUFFIX,
                                replace_existing=True, misfire_grace_time=None)

    def _on_error(self, event: JobExecutionEvent) -> None:
        """An unexpected exception escaped a job (APScheduler has logged its traceback)."""
        job_id = str(event.job_id).removesuffix(RETRY_SUFFIX).removesuffix(":now")
        if job_id in self._specs and event.exception is not None:
            task = asyncio.get_running_loop().create_task(self._failed(job_id, event.exception))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)

    async def drain(self, grace_s: float) -> None:
        """Ask running jobs to stop at their next page boundary; cancel what is left after
        `grace_s`. Their stop flags stay set: a thread still in its page (threads cannot be
        cancelled) stops at the end of it (join_threads() waits for that)."""
        for stop in self._stops.values():
            stop.set()
        current = asyncio.current_task()
        pending = {t for t in self.in_flight if t is not current}
        if pending:
            log.info("waiting up to %.1fs for %d running job(s)", grace_s, len(pending))
            _, late = await asyncio.wait(pending, timeout=grace_s)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=5)

    async def join_threads(self) -> None:
        """Wait until every thread of every job has returned (their runs are stopped)."""
        if self.threads.live():
            log.info("waiting for %d job thread(s) to finish their page",
                     self.threads.live())
        await asyncio.to_thread(self.threads.wait_all)
