"""Runs the daemon's jobs: one at a time per job, recorded in job_runs, backed off on failure.

A job that fails with a transient error (database down, SMTP unreachable, network, retries
exhausted) is logged, recorded, and not tried again before its backoff delay has passed
(doubling from job_retry_initial_s up to job_retry_max_s). A one-off retry is scheduled at
that moment, so a daily job (the digest) does not wait a day to catch up. Other errors are
bugs: APScheduler logs them with their traceback, and they are recorded and backed off too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger

from collectors.retry import RetriesExhausted, RetryPolicy
from monitor.digest.send import DeliveryError
from monitor.errors import UserError
from monitor.settings import Config
from storage import jobs as job_sql
from storage.database import Database, DatabaseUnavailable

log = logging.getLogger("chorus.jobs")

# Failures the daemon expects and rides out; anything else is a bug and is logged loudly.
TRANSIENT: tuple[type[Exception], ...] = (
    DatabaseUnavailable, DeliveryError, RetriesExhausted, OSError,
    UserError,  # e.g. seeds not loaded, model missing: logged with its fix, retried later
)
RETRY_SUFFIX = ":retry"


@dataclass
class JobContext:
    """What a job gets: the settings, the database, and a stop flag to check between pages."""

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


class JobRunner:
    def __init__(self, context: JobContext, scheduler: AsyncIOScheduler, specs: list[JobSpec],
                 policy: RetryPolicy) -> None:
        self.context = context
        self._scheduler = scheduler
        self._specs = {spec.id: spec for spec in specs}
        self._policy = policy
        self._locks = {spec.id: asyncio.Lock() for spec in specs}
        self._failures: dict[str, int] = {}
        self._not_before: dict[str, datetime] = {}
        self._runs: dict[str, int | None] = {}
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

    async def run(self, job_id: str) -> None:
        """The callable the scheduler runs for every job."""
        job_id = job_id.removesuffix(RETRY_SUFFIX)
        spec, lock = self._specs[job_id], self._locks[job_id]
        not_before = self._not_before.get(job_id)
        if lock.locked() or (not_before is not None and self.context.now() < not_before):
            return  # already running, or backing off: the scheduled retry will run it
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
        try:
            self._runs[spec.id] = await asyncio.to_thread(self._start_run, spec.id)
            detail = await spec.func(self.context)
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
        self._failures.pop(spec.id, None)
        self._not_before.pop(spec.id, None)
        self.completed[spec.id] = self.completed.get(spec.id, 0) + 1
        await asyncio.to_thread(self._finish, spec.id, "ok", detail or {}, None)

    def _start_run(self, job_id: str) -> int:
        with self.context.db.connection() as conn:
            return job_sql.start_run(conn, job_id)

    def _finish(self, job_id: str, status: str, detail: dict[str, Any],
                error: str | None) -> None:
        run_id = self._runs.pop(job_id, None)
        if run_id is None:
            return
        with contextlib.suppress(DatabaseUnavailable):  # recorded when it can be; logged always
            with self.context.db.connection() as conn:
                job_sql.finish_run(conn, run_id, status, detail, error)

    async def _failed(self, job_id: str, exc: BaseException) -> None:
        failures = self._failures.get(job_id, 0) + 1
        self._failures[job_id] = failures
        delay = self._policy.delay(failures)
        retry_at = self.context.now() + timedelta(seconds=delay)
        self._not_before[job_id] = retry_at
        message = f"{type(exc).__name__}: {exc}"
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
        `grace_s` (work running in threads finishes its transaction before the process ends)."""
        self.context.stop.set()
        current = asyncio.current_task()
        pending = {t for t in self.in_flight if t is not current}
        if pending:
            log.info("waiting up to %.1fs for %d running job(s)", grace_s, len(pending))
            _, late = await asyncio.wait(pending, timeout=grace_s)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=5)
        self.context.stop.clear()
