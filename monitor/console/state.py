"""What every console request needs, built once by create_app."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import jinja2

from monitor.console.sessions import Sessions
from monitor.console.throttle import LoginThrottle
from monitor.settings import Config
from storage.console import sources as console_sources
from storage.database import Database, DatabaseUnavailable
from storage.readonly import ReadOnlyRunner

log = logging.getLogger(__name__)


class SourceTotals:
    """All-time post counts per source, recounted in the background when older than `ttl`.

    Counting every post of every source takes longer than a page may; the watchlist shows the
    last count with its age instead of waiting for a new one.
    """

    def __init__(self, db: Database, ttl: timedelta = timedelta(minutes=10)) -> None:
        self._db = db
        self._ttl = ttl.total_seconds()
        self._lock = threading.Lock()
        self._counts: dict[int, int] | None = None
        self._counted_at = 0.0
        self._worker: threading.Thread | None = None

    def current(self) -> tuple[dict[int, int] | None, float | None]:
        """The counts (None before the first count) and their age in seconds; starts a recount
        when they are stale."""
        with self._lock:
            counts, counted_at = self._counts, self._counted_at
            stale = counts is None or time.monotonic() - counted_at > self._ttl
            if stale and (self._worker is None or not self._worker.is_alive()):
                self._worker = threading.Thread(target=self._recount, daemon=True,
                                                name="chorus-source-totals")
                self._worker.start()
        return counts, (time.monotonic() - counted_at) if counts is not None else None

    def wait(self, timeout: float = 30.0) -> None:
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    def _recount(self) -> None:
        try:
            with self._db.connection() as conn:
                counts = console_sources.post_totals(conn)
        except DatabaseUnavailable as exc:
            log.warning("source totals not counted: %s", exc)
            return
        with self._lock:
            self._counts, self._counted_at = counts, time.monotonic()


@dataclass
class ConsoleState:
    config: Config
    db: Database
    env: jinja2.Environment
    sessions: Sessions
    runner: ReadOnlyRunner
    auth_required: bool
    reader_problem: str | None = None
    page_size: int = 50
    export_cap: int = 10_000
    source_totals: SourceTotals = field(init=False)
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)

    def __post_init__(self) -> None:
        self.source_totals = SourceTotals(self.db)
