"""One leader among several daemons: a PostgreSQL advisory lock held on a dedicated connection.

Every daemon polls `pg_try_advisory_lock` every `retry_s` seconds; the one that gets it is the
leader and runs the jobs. The server releases the lock when the leader's session ends: at
once when its process dies (the kernel closes the socket), within about 25 s when its host
vanishes (server-side TCP keepalives on that session). The leader checks its hold every
`check_s` seconds; when the round trip fails it must assume a follower may take over, so it
stops scheduling at once. All waits are on the event loop; the blocking calls run in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket

from storage.database import Database, DatabaseUnavailable
from storage.jobs import LEADER_LOCK_KEY, LockNotPermitted, LockSession

log = logging.getLogger("chorus.leader")


def identity() -> str:
    """How this daemon shows up in pg_stat_activity and `chorus status`."""
    return f"chorus-daemon {socket.gethostname()} pid {os.getpid()}"


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to `seconds`; True if `stop` was set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))
    return stop.is_set()


class Leadership:
    """Acquire, hold and release the leader lock; never blocks the event loop."""

    def __init__(self, db: Database, *, retry_s: float, check_s: float,
                 name: str | None = None, key: int = LEADER_LOCK_KEY) -> None:
        self.name = name or identity()
        self.retry_s = max(0.1, retry_s)
        self.check_s = max(0.1, check_s)
        self._key = key
        self._session = LockSession(db, self.name, timeout_s=max(1.0, min(10.0, check_s * 2)))
        self.is_leader = False

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this daemon leads (True) or `stop` is set (False)."""
        waiting_logged = unavailable_logged = False
        while not stop.is_set():
            try:
                got = await asyncio.to_thread(self._session.try_lock, self._key)
            except LockNotPermitted as exc:
                # An operator's fix, not an outage: said once, then retried like one, so
                # the daemon leads as soon as the grant is made.
                if not unavailable_logged:
                    log.error("cannot elect a leader: %s; retrying every %.1fs", exc,
                              self.retry_s)
                    unavailable_logged = True
                got = False
            except DatabaseUnavailable as exc:
                if not unavailable_logged:
                    log.warning("database unavailable while electing a leader: %s", exc.reason)
                    unavailable_logged = True
                got = False
            else:
                unavailable_logged = False
            if got:
                self.is_leader = True
                log.info("%s is the leader", self.name)
                return True
            if not waiting_logged and not unavailable_logged:
                log.info("%s is a follower: another daemon leads; retrying every %.1fs",
                            self.name, self.retry_s)
                waiting_logged = True
            if await wait_or_stop(stop, self.retry_s):
                break
        return False

    async def hold(self, stop: asyncio.Event) -> str:
        """Return when `stop` is set ("stop") or the lock may be lost ("lost")."""
        while not await wait_or_stop(stop, self.check_s):
            try:
                held = await asyncio.to_thread(self._session.holds, self._key)
            except DatabaseUnavailable as exc:
                log.warning("lost leadership: the lock connection failed (%s)", exc.reason)
                self.is_leader = False
                return "lost"
            if not held:
                log.warning("lost leadership: the lock is no longer held")
                self.is_leader = False
                return "lost"
        return "stop"

    async def release(self) -> None:
        """Give the lock back (and close the session, which releases it in any case)."""
        self.is_leader = False
        with contextlib.suppress(DatabaseUnavailable):
            await asyncio.to_thread(self._session.unlock, self._key)
        await asyncio.to_thread(self._session.close)
