"""What the rules of one alerts run share: each query whose answer does not depend on the
rule (the new rows since a watermark, the sources' health, a pair's adopters) runs once per
run, whatever the number of rules that ask for it. Rules evaluated in the same run move to
the same watermark, so in steady state they all ask the same questions.

A question can also be started ahead (`start`) on a worker thread with a connection of its
own, so that its database time overlaps the evaluation of the rules before the first one
that asks (the health rules' reads of every source, monitor/alerts/health_rule.py)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from concurrent.futures import Executor, Future
from typing import Any, TypeVar, cast

from storage.database import Conn, Database

T = TypeVar("T")


class Shared:
    """A memo for one run (never kept across runs: the next run reads what is new)."""

    def __init__(self, ahead: Executor | None = None, db: Database | None = None) -> None:
        self._memo: dict[Hashable, Any] = {}
        self._ahead = ahead
        self._db = db

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = compute()
        found = self._memo[key]
        if isinstance(found, Future):  # started ahead: wait for it (its error is raised here)
            found = self._memo[key] = found.result()
        return cast(T, found)

    def start(self, key: Hashable, compute: Callable[[], Any], executor: Executor) -> None:
        """Compute `key` on `executor` now, unless it is known or under way; `compute` must
        use its own connection."""
        if key not in self._memo:
            self._memo[key] = executor.submit(compute)

    def start_read(self, key: Hashable, read: Callable[[Conn], Any]) -> None:
        """Start `read` on the run's workers with a pooled connection of its own, when the
        run has workers (else it is read when first asked, on the asker's connection)."""
        if self._ahead is None or self._db is None or key in self._memo:
            return
        db = self._db

        def on_own_connection() -> Any:
            with db.connection() as conn:
                return read(conn)
        self._memo[key] = self._ahead.submit(on_own_connection)
