"""Slowing down password guessing without letting anyone lock an analyst out.

Failed logins are counted three ways: per (client address, user name), per client address
across every user name (spraying), and across all clients (a spray from many addresses).
Past a free allowance each count asks for a growing wait after that client's own last
failure, capped at MAX_DELAY_S. The waits are delays, never lockouts, and a client's waits
start from its own failures, so a stranger elsewhere cannot hold an analyst's login shut.
Only addresses the console can trust count as clients: behind a reverse proxy that means
setting `console_trusted_proxies`, or every client is the proxy.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_S = 900.0  # failures are forgotten this long after the first one counted
BASE_DELAY_S = 1.0
MAX_DELAY_S = 60.0
FREE_PER_USER = 5  # failures of one client on one user name before waits begin
FREE_PER_CLIENT = 20  # ... of one client on any user names
FREE_OVERALL = 200  # ... of all clients together
MAX_TRACKED = 20_000  # (client, user) and client entries kept; the oldest go first


@dataclass
class _Count:
    started: float
    failures: int = 0
    last: float = 0.0


def _delay(failures: int, free: int) -> float:
    if failures < free:
        return 0.0
    return min(MAX_DELAY_S, BASE_DELAY_S * 2.0 ** min(failures - free, 16))


class LoginThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._counts: OrderedDict[tuple[str, ...], _Count] = OrderedDict()
        self._overall = _Count(started=clock())

    def _current(self, key: tuple[str, ...], now: float) -> _Count | None:
        count = self._counts.get(key)
        if count is not None and now - count.started > WINDOW_S:
            del self._counts[key]
            return None
        return count

    def wait_s(self, client: str, user: str) -> int:
        """Seconds this client must still wait before trying `user`; 0 when it may try now."""
        now = self.clock()
        with self._lock:
            pair = self._current(("user", client, user), now)
            mine = self._current(("client", client), now)
            if now - self._overall.started > WINDOW_S:
                self._overall = _Count(started=now)
            ready = now
            if pair is not None:
                ready = max(ready, pair.last + _delay(pair.failures, FREE_PER_USER))
            if mine is not None:
                # A client with no failures of its own is never slowed by the overall count.
                ready = max(ready, mine.last + _delay(mine.failures, FREE_PER_CLIENT),
                            mine.last + _delay(self._overall.failures, FREE_OVERALL))
        return math.ceil(ready - now)

    def failed(self, client: str, user: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (("user", client, user), ("client", client)):
                count = self._current(key, now) or _Count(started=now)
                count.failures += 1
                count.last = now
                self._counts[key] = count
                self._counts.move_to_end(key)
            self._overall.failures += 1
            while len(self._counts) > MAX_TRACKED:
                self._counts.popitem(last=False)

    def succeeded(self, client: str, user: str) -> None:
        """The pair's failures are forgiven; the client's spraying count is not."""
        with self._lock:
            self._counts.pop(("user", client, user), None)
