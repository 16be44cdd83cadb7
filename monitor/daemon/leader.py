"""One leader among several daemons: a PostgreSQL advisory lock held on a dedicated connection.

Followers wait on the lock (`pg_advisory_lock` with a lock timeout of `retry_s`), so the
server hands it to one of them the moment the leader's session ends: at once when its
process dies (the kernel closes the socket), within about 25 s when its host vanishes
(server-side TCP keepalives), and after `lease_s` (3 x `check_s`, at least 2 s) when the
leader is alive but silent, frozen (SIGSTOP) or hung: its session carries
idle_session_timeout, and the leader proves it is alive by checking its hold every
`check_s` seconds. A leader whose last proof is older than lease_s - check_s acts as if it
had lost the lead (confirmed() is False), so a frozen leader that resumes starts no job
before it learns it was replaced; when the round trip fails it stops scheduling at once.
All waits are on the event loop; the blocking calls run in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from datetime import datetime

from storage.database import Database, DatabaseUnavailable
from storage.jobs import LEADER_LOCK_KEY, LockNotPermitted, LockSession

log = logging.getLogger("chorus.leader")
LEASE_CHECKS = 3  # the server ends a leader's session after this many missed checks
MIN_LEASE_S = 2.0  # never shorter: a busy event loop must not lose the lead for a hiccup


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
        self.lease_s = max(MIN_LEASE_S, LEASE_CHECKS * self.check_s)
        self._key = key
        self._session = LockSession(db, self.name, timeout_s=max(1.0, min(10.0, check_s * 2)))
        self._confirmed: float | None = None  # monotonic time of the latest proof of the lock
        self.is_leader = False
        self.since: datetime | None = None  # when this leadership began (server time)

    def confirmed(self) -> bool:
        """Whether this daemon may act as the leader now: it proved it holds the lock less than
        lease_s - check_s ago (the server gives the lock away only after lease_s)."""
        proof = self._confirmed
        return (self.is_leader and proof is not None
                and time.monotonic() - proof < self.lease_s - self.check_s)

    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this daemon leads (True, perhaps just as `stop` was set) or `stop` is
        set (False)."""
        waiting_logged = unavailable_logged = False
        while not stop.is_set():
            try:
                got = await asyncio.to_thread(self._session.try_lock, self._key)
                if not got:
                    if not waiting_logged:
                        log.info("%s is a follower: another daemon leads; taking over when "
                                 "it stops", self.name)
                        waiting_logged = True
                    got = await self._wait_for_lock(stop)
                got = got and await self._take_office()
            except LockNotPermitted as exc:
                # An operator's fix, not an outage: said once, then retried like one, so
                # the daemon leads as soon as the grant is made.
                if not unavailable_logged:
                    log.error("cannot elect a leader: %s; retrying every %.1fs", exc,
                              self.retry_s)
                    unavailable_logged = True
            except DatabaseUnavailable as exc:
                if not unavailable_logged:
                    log.warning("database unavailable while electing a leader: %s", exc.reason)
                    unavailable_logged = True
            else:
                unavailable_logged = False
                if got:
                    return True
                continue  # the wait itself took up to retry_s
            if await wait_or_stop(stop, self.retry_s):
                break
        return False

    async def _wait_for_lock(self, stop: asyncio.Event) -> bool:
        """One wait of up to retry_s for the lock; ended early when `stop` is set."""
        waiting = asyncio.ensure_future(
            asyncio.to_thread(self._session.wait_lock, self._key, self.retry_s))
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            self._session.interrupt()  # brief; the caller gave up, so must the wait
            raise
        finally:
            stopping.cancel()
        if not waiting.done():
            await asyncio.to_thread(self._session.interrupt)
        return await waiting  # granted even as the stop came: it leads, briefly

    async def _take_office(self) -> bool:
        """With the lock: arm the lease and record the term (which ends the runs the previous
        leader left open)."""
        asked = time.monotonic()
        if not await asyncio.to_thread(self._session.set_lease, self.lease_s):
            log.warning("this PostgreSQL has no idle_session_timeout (version 14 or later "
                        "has it): a frozen leader keeps the lead until its process ends")
        self.since, closed = await asyncio.to_thread(self._session.begin_term, self.name)
        self._confirmed = asked
        self.is_leader = True
        log.info("%s is the leader", self.name)
        if closed:
            log.warning("closed %d job run(s) left running by a previous leader", closed)
        return True

    async def hold(self, stop: asyncio.Event) -> str:
        """Return when `stop` is set ("stop") or the lock may be lost ("lost")."""
        while not await wait_or_stop(stop, self.check_s):
            asked = time.monotonic()
            silent = asked - (self._confirmed or asked)
            try:
                held = await asyncio.to_thread(self._session.holds, self._key)
            except DatabaseUnavailable as exc:
                if silent >= self.lease_s:
                    log.warning("lost leadership: this daemon gave no sign of life for %.1fs "
                                "(frozen or overloaded; the limit is %.1fs), so its lock was "
                                "released", silent, self.lease_s)
                else:
                    log.warning("lost leadership: the lock connection failed (%s)", exc.reason)
                self.is_leader = False
                return "lost"
            if not held:
                log.warning("lost leadership: the lock is no longer held")
                self.is_leader = False
                return "lost"
            self._confirmed = asked
        return "stop"

    async def release(self) -> None:
        """Give the lock back (and close the session, which releases it in any case)."""
        was_leader, self.is_leader = self.is_leader, False
        with contextlib.suppress(DatabaseUnavailable):
            if was_leader:
                await asyncio.to_thread(self._session.end_term)
            await asyncio.to_thread(self._session.unlock, self._key)
        await asyncio.to_thread(self._session.close)
