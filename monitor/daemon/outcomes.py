"""Outcomes of job runs that could not be written (the database was away), kept until it is
back: the runs an outage cut off are recorded as failed, not left 'running', and the
failures count in `chorus status` and the failures metric.

Kept in memory (a process killed meanwhile loses them; the next leader then closes its open
runs as abandoned), the oldest dropped beyond LIMIT.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage import jobs as job_sql
from storage.database import Database, DatabaseUnavailable
from storage.rows import one

log = logging.getLogger("chorus.jobs")
LIMIT = 500


@dataclass(frozen=True)
class Outcome:
    job: str
    run_id: int | None  # None: the run's row was never written
    status: str
    detail: dict[str, Any]
    error: str | None
    started_at: datetime
    finished_at: datetime


class Outcomes:
    """Writes outcomes, keeping those the database could not take for the next write."""

    def __init__(self, db: Database, daemon: str | None) -> None:
        self._db = db
        self._daemon = daemon
        self._guard = threading.Lock()
        self._kept: deque[Outcome] = deque(maxlen=LIMIT)

    @property
    def kept(self) -> int:
        return len(self._kept)

    def record(self, outcome: Outcome) -> None:
        """Write it and every kept outcome (in a worker thread), or keep them all."""
        try:
            self._write([outcome], None)
        except DatabaseUnavailable:
            log.warning("the database is away: %d job outcome(s) kept, to be recorded when "
                        "it is back", self.kept)

    def start_run(self, job: str) -> int:
        """Write the kept outcomes, then open a run of `job`, in one transaction."""
        return one(self._write([], job))

    def _write(self, new: list[Outcome], open_job: str | None) -> int | None:
        with self._guard:
            pending = [*self._kept, *new]
            self._kept.clear()
        written = False
        try:
            with self._db.connection() as conn:
                for o in pending:
                    if o.run_id is None:
                        job_sql.record_run(conn, o.job, daemon=self._daemon, status=o.status,
                                           started_at=o.started_at, finished_at=o.finished_at,
                                           detail=o.detail, error=o.error)
                    else:
                        job_sql.finish_run(conn, o.run_id, o.status, o.detail, o.error,
                                           finished_at=o.finished_at)
                run_id = None if open_job is None else job_sql.start_run(conn, open_job,
                                                                         self._daemon)
            written = True
        finally:
            if not written:  # an outage or any other error: nothing was committed
                with self._guard:
                    self._kept = deque([*pending, *self._kept], maxlen=LIMIT)
        return run_id
