"""A real daemon process for the process tests (no tests here).

It runs the production Daemon (leader election, scheduler, job runner, signal handling)
with the real collection path, `monitor.collecting.collect`, reading one channel through
the in-memory Telegram client, the fake at the network boundary (DESIGN §7), slowed down
so that a signal or an outage lands in the middle of a run. Configuration comes from the
environment like `chorus daemon`'s.

    python -m tests.test_daemon_harness MESSAGES PAGE_DELAY_S [--with-housekeeping]
        [--pages SECONDS MAX]

--pages adds a job "pages" whose every page is one slow transaction (a tagging batch, say)
of SECONDS, at most MAX a run, checking its stop flag between pages; each page is a row of
harness_pages (the test creates the table), stamped when it began and when it committed.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from telethon.tl import types

from collectors.telegram_memory import ChannelEntry, InMemoryTelegram
from monitor.collecting import collect
from monitor.daemon.main import run_daemon
from monitor.daemon.runner import JobContext, JobSpec
from monitor.logs import setup_logging
from monitor.settings import load_config
from storage.database import Database

CHANNEL = ChannelEntry("slowchan", 1_234_567_890, 4242)
BASE_TIME = datetime(2021, 11, 7, 0, 0, tzinfo=UTC)


class SlowChannel(InMemoryTelegram):
    """One channel with `count` posts; every request takes `delay` seconds (on the loop)."""

    def __init__(self, count: int, delay: float) -> None:
        super().__init__()
        self._delay = delay
        self._messages = [
            types.Message(id=i, peer_id=types.PeerChannel(CHANNEL.channel_id),
                          date=BASE_TIME + timedelta(minutes=i), post=True,
                          message=f"slow channel post number {i}")
            for i in range(1, count + 1)
        ]

    def channels(self) -> Iterable[ChannelEntry]:
        return [CHANNEL]

    def messages(self, channel_id: int) -> Sequence[types.Message]:
        return list(self._messages)

    async def get_messages(self, entity: Any, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(self._delay)
        return await super().get_messages(entity, *args, **kwargs)


def harness_jobs(count: int, delay: float, with_housekeeping: bool) -> list[JobSpec]:
    client = SlowChannel(count, delay)

    async def collect_channel(ctx: JobContext) -> dict[str, Any]:
        results = await collect(ctx.config, ctx.db, platform="telegram", source=CHANNEL.handle,
                                telegram_client_factory=lambda: client)
        return {"states": [r.status for r in results],
                "inserted": sum(r.inserted for r in results)}

    specs = [JobSpec("collect:telegram", collect_channel, IntervalTrigger(seconds=1),
                     misfire_grace_time=30)]
    if with_housekeeping:
        from monitor.daemon.jobs import housekeeping_job

        specs.append(JobSpec("housekeeping", housekeeping_job, IntervalTrigger(seconds=2),
                             misfire_grace_time=30))
    return specs


def pages_job(page_s: float, max_pages: int) -> JobSpec:
    runs = itertools.count(1)

    async def pages(ctx: JobContext) -> dict[str, Any]:
        run = f"{os.getpid()}-{next(runs)}"

        def work() -> int:
            done = 0
            while done < max_pages and not ctx.stop.is_set():
                with ctx.db.connection() as conn:
                    conn.execute("INSERT INTO harness_pages (run, began_at) "
                                 "VALUES (%(run)s, clock_timestamp())", {"run": run})
                    time.sleep(page_s)
                    conn.execute("UPDATE harness_pages SET written_at = clock_timestamp() "
                                 "WHERE run = %(run)s AND written_at IS NULL", {"run": run})
                done += 1
            return done
        return {"run": run, "pages": await asyncio.to_thread(work)}

    return JobSpec("pages", pages, IntervalTrigger(seconds=1), misfire_grace_time=30)


def main(argv: list[str]) -> int:
    count, delay = int(argv[0]), float(argv[1])
    setup_logging([], logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    config = load_config()
    db = Database(str(config.database_url), max_size=4)
    jobs = harness_jobs(count, delay, "--with-housekeeping" in argv)
    if "--pages" in argv:
        at = argv.index("--pages")
        jobs.append(pages_job(float(argv[at + 1]), int(argv[at + 2])))
    try:
        return run_daemon(config, db, jobs)
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
