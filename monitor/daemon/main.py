"""`chorus daemon`: the scheduler, run only while this process is the elected leader.

Life of a daemon: elect (wait as a follower while another leads) -> lead (backoff forgotten,
scheduler running, catch-up run of housekeeping, which also delivers a missed digest) -> on
a lost lock (the database went away, the connection failed, or this daemon was silent past
its lease) pause, stop the running jobs at their page, and go back to electing.
SIGTERM/SIGINT: stop scheduling, let running jobs finish their current page for up to
`shutdown_grace_s` (then abandon them: every page is one transaction, so nothing is
half-written), wait for their threads to return while still leading (so no other daemon
runs a job beside them), release the lock, exit 0.

Everything runs on one asyncio event loop (Telethon's); blocking work runs in threads.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from prometheus_client import Gauge, start_http_server

from collectors.retry import RetryPolicy
from monitor.daemon.leader import Leadership
from monitor.daemon.runner import JobContext, JobRunner, JobSpec
from monitor.digest.schedule import zone
from monitor.health import metrics_registry
from monitor.settings import Config
from storage.database import Database

log = logging.getLogger("chorus.daemon")
CATCH_UP_JOB = "housekeeping"


class Daemon:
    def __init__(self, config: Config, db: Database, jobs: Sequence[JobSpec],
                 *, name: str | None = None) -> None:
        self.config = config
        self.db = db
        self.specs = list(jobs)
        self.leadership = Leadership(db, retry_s=config.leader_retry_s,
                                     check_s=config.leader_check_s, name=name)
        self.scheduler = AsyncIOScheduler(timezone=zone(config))
        policy = RetryPolicy(base_delay_s=config.job_retry_initial_s,
                             max_delay_s=config.job_retry_max_s, jitter=0.1)
        self.runner = JobRunner(JobContext(config, db), self.scheduler, self.specs, policy,
                                daemon=self.leadership.name,
                                leading=self.leadership.confirmed)
        self._stop: asyncio.Event | None = None
        self._leader_gauge: Gauge | None = None
        self._metrics_server: Any = None

    def request_stop(self, signum: int | None = None) -> None:
        if signum is not None:
            log.info("received %s: finishing the current page, then stopping",
                     signal.Signals(signum).name)
        if self._stop is not None:
            self._stop.set()

    def _serve_metrics(self) -> None:
        port = self.config.metrics_port
        if port <= 0:
            return
        registry = metrics_registry(self.config, self.db)
        self._leader_gauge = Gauge("chorus_daemon_is_leader",
                                   "1 while this daemon is the elected leader.",
                                   registry=registry)
        self._metrics_server, _ = start_http_server(port, addr=self.config.metrics_host,
                                                    registry=registry)
        log.info("serving Prometheus metrics on %s:%d", self.config.metrics_host, port)

    def _set_leader(self, leading: bool) -> None:
        if self._leader_gauge is not None:
            self._leader_gauge.set(1 if leading else 0)

    async def _wind_down(self) -> None:
        """Stop the jobs and wait for their threads, proving the lead meanwhile, so that no
        other daemon starts a job while a thread here is still finishing its page."""
        done = asyncio.Event()

        async def stop_jobs() -> None:
            try:
                await self.runner.drain(self.config.shutdown_grace_s)
                await self.runner.join_threads()
            finally:
                done.set()

        stopping = asyncio.create_task(stop_jobs())
        if self.leadership.is_leader:
            await self.leadership.hold(done)
        await stopping

    def _collect_by_shard(self, stop: asyncio.Event) -> asyncio.Task[Any] | None:
        """With collect_shards, this replica collects its share of the sources whether it
        leads or not (monitor/sharding.py); the leader keeps the singleton jobs."""
        if self.config.collect_shards <= 0:
            return None
        from monitor.sharding import collect_by_shard

        return asyncio.create_task(collect_by_shard(self.config, self.db, stop,
                                                    name=self.leadership.name))

    async def run(self) -> int:
        self._stop = stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        self.runner.install()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.request_stop, sig)
        self._serve_metrics()
        self.runner.schedule_all()
        self.scheduler.start(paused=True)
        sharded = self._collect_by_shard(stop)
        try:
            while not stop.is_set():
                if not await self.leadership.acquire(stop) or stop.is_set():
                    break
                self._set_leader(True)
                self.runner.reset_backoff()
                self.scheduler.resume()
                self.runner.run_soon(CATCH_UP_JOB)
                outcome = await self.leadership.hold(stop)
                self.scheduler.pause()
                self._set_leader(False)
                if outcome == "lost":
                    await self.runner.drain(self.config.shutdown_grace_s)
                    log.warning("paused all jobs until leadership is regained")
                else:
                    await self._wind_down()
                await self.leadership.release()
        finally:
            self.scheduler.shutdown(wait=False)
            if sharded is not None:
                stop.set()  # the shard loop ends after the page in hand
                await asyncio.gather(sharded, return_exceptions=True)
            await self._wind_down()
            await self.leadership.release()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
            if self._metrics_server is not None:
                await asyncio.to_thread(self._metrics_server.shutdown)  # waits for its loop
                self._metrics_server.server_close()
        log.info("daemon stopped")
        return 0


def run_daemon(config: Config, db: Database, jobs: Sequence[JobSpec] | None = None) -> int:
    """Run until SIGTERM/SIGINT; returns the exit status (0)."""
    if jobs is None:
        from monitor.daemon.jobs import default_jobs

        jobs = default_jobs(config)
    return asyncio.run(Daemon(config, db, jobs).run())
