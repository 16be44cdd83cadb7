"""Retries with exponential backoff: the one place that decides how often and how long to wait.

Every collector (and anything else that talks to a network) retries through this module,
so that the policy is tuned in one place and tests can replace the sleep.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
AsyncSleep = Callable[[float], Awaitable[None]]

log = logging.getLogger(__name__)
_random = secrets.SystemRandom()


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` tries in all; the wait doubles from `base_delay_s` up to `max_delay_s`."""

    attempts: int = 5
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    jitter: float = 0.1  # up to this fraction is added, so that clients do not retry in step

    def delay(self, failures: int) -> float:
        """The wait after the `failures`-th failed attempt (1-based)."""
        wait = min(self.max_delay_s, self.base_delay_s * (2 ** (failures - 1)))
        return float(wait + wait * self.jitter * _random.random())


DEFAULT_POLICY = RetryPolicy()


class RetriesExhausted(Exception):
    """Every attempt failed; `last` is the final error."""

    def __init__(self, what: str, attempts: int, last: BaseException) -> None:
        self.what = what
        self.attempts = attempts
        self.last = last
        super().__init__(f"{what} failed after {attempts} attempts: {type(last).__name__}: {last}")


async def retry_async(
    call: Callable[[], Awaitable[T]],
    *,
    retry_on: tuple[type[BaseException], ...],
    what: str,
    policy: RetryPolicy = DEFAULT_POLICY,
    sleep: AsyncSleep = asyncio.sleep,
) -> T:
    """Await `call()`, retrying the listed (transient) errors with backoff; others pass through."""
    for failures in range(1, policy.attempts + 1):
        try:
            return await call()
        except retry_on as exc:
            if failures == policy.attempts:
                raise RetriesExhausted(what, failures, exc) from exc
            wait = policy.delay(failures)
            log.warning("%s failed (%s); retry %d of %d in %.1fs", what, type(exc).__name__,
                        failures, policy.attempts - 1, wait)
            await sleep(wait)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def retry_sync(
    call: Callable[[], T],
    *,
    retry_on: tuple[type[BaseException], ...],
    what: str,
    policy: RetryPolicy = DEFAULT_POLICY,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """The same policy for synchronous code (never call this from a coroutine)."""
    for failures in range(1, policy.attempts + 1):
        try:
            return call()
        except retry_on as exc:
            if failures == policy.attempts:
                raise RetriesExhausted(what, failures, exc) from exc
            wait = policy.delay(failures)
            log.warning("%s failed (%s); retry %d of %d in %.1fs", what, type(exc).__name__,
                        failures, policy.attempts - 1, wait)
            sleep(wait)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover
