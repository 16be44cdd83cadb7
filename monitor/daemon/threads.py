"""Which job each worker thread serves, and a run's stop flag.

A job's blocking work runs in threads (asyncio.to_thread), which cannot be cancelled: when
the daemon abandons a run after its grace, the task awaiting the thread ends but the thread
goes on to the end of its page. JobThreads, installed as the event loop's default executor,
remembers the job whose task handed it each call (to_thread submits in the task's context,
where the runner has set CURRENT_JOB), so the runner can tell when a job's threads have all
returned: it starts no run of a job while one lives, and the daemon exits only after.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

CURRENT_JOB: ContextVar[str | None] = ContextVar("chorus_current_job", default=None)
MAX_THREADS = 16  # jobs, their abandoned threads, and the leader's lock waits


class JobThreads(ThreadPoolExecutor):
    """A thread pool that counts the live calls of each job."""

    def __init__(self) -> None:
        super().__init__(max_workers=MAX_THREADS, thread_name_prefix="chorus-worker")
        self._guard = threading.Lock()
        self._live: dict[str, set[Future[Any]]] = {}

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future = super().submit(fn, *args, **kwargs)
        job = CURRENT_JOB.get()
        if job is not None:
            with self._guard:
                self._live.setdefault(job, set()).add(future)
            future.add_done_callback(functools.partial(self._forget, job))
        return future

    def _forget(self, job: str, future: Future[Any]) -> None:
        with self._guard:
            self._live.get(job, set()).discard(future)

    def wait_all(self) -> None:
        """Block until every job's calls have returned (call it from a thread)."""
        while True:
            with self._guard:
                futures = [f for live in self._live.values() for f in live]
            if not futures:
                return
            wait(futures)

    def live(self, job: str | None = None) -> int:
        """Calls still running (or queued) for `job`, or for every job."""
        with self._guard:
            if job is not None:
                return len(self._live.get(job, ()))
            return sum(len(futures) for futures in self._live.values())


class RunStop(threading.Event):
    """One run's stop flag: set when the daemon stops or loses the lead, never cleared (a
    thread of an abandoned run must still see it). It also reads as set while `leading()`
    is False, so a thread of a frozen leader that resumes stops at its next page even before
    the daemon has learnt that another leads."""

    def __init__(self, leading: Callable[[], bool]) -> None:
        super().__init__()
        self._leading = leading

    def is_set(self) -> bool:
        return super().is_set() or not self._leading()
