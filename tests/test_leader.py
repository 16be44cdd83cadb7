"""Leader election on a real server: one leader, followers wait, failover when it goes."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from monitor.leader import Leadership
from storage.database import Database, DatabaseUnavailable
from storage.jobs import LEADER_LOCK_KEY, LockSession, lock_holder


def holder(db: Database) -> str | None:
    with db.connection() as conn:
        row = lock_holder(conn, LEADER_LOCK_KEY)
    return None if row is None else str(row["application_name"])


async def _acquire_within(leadership: Leadership, seconds: float) -> bool:
    stop = asyncio.Event()
    try:
        return await asyncio.wait_for(leadership.acquire(stop), timeout=seconds)
    except TimeoutError:
        stop.set()
        return False


def test_one_leader_then_failover_on_release(db: Database) -> None:
    async def scenario() -> None:
        first = Leadership(db, retry_s=0.1, check_s=0.1, name="daemon-a")
        second = Leadership(db, retry_s=0.1, check_s=0.1, name="daemon-b")
        assert await _acquire_within(first, 5)
        assert holder(db) == "daemon-a"
        assert not await _acquire_within(second, 0.5)  # a follower while a leads
        assert not second.is_leader
        await first.release()
        assert await _acquire_within(second, 5)
        assert holder(db) == "daemon-b"
        await second.release()
        assert holder(db) is None

    asyncio.run(scenario())


def test_leader_notices_a_killed_session_and_a_follower_takes_over(db: Database) -> None:
    async def scenario() -> None:
        first = Leadership(db, retry_s=0.1, check_s=0.1, name="daemon-a")
        second = Leadership(db, retry_s=0.1, check_s=0.1, name="daemon-b")
        assert await _acquire_within(first, 5)
        stop = asyncio.Event()
        holding = asyncio.create_task(first.hold(stop))
        await asyncio.sleep(0.3)
        assert not holding.done()  # still leading: the hold loop keeps checking
        # The server ends the leader's session, as on a network failure or server restart.
        with psycopg.connect(db.url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'daemon-a'")
        assert await asyncio.wait_for(holding, timeout=5) == "lost"
        assert not first.is_leader
        assert await _acquire_within(second, 5)
        assert holder(db) == "daemon-b"
        await first.release()  # releasing a lost lock is harmless
        await second.release()

    asyncio.run(scenario())


def test_hold_returns_on_stop(db: Database) -> None:
    async def scenario() -> None:
        leader = Leadership(db, retry_s=0.1, check_s=0.1, name="daemon-a")
        assert await _acquire_within(leader, 5)
        stop = asyncio.Event()
        holding = asyncio.create_task(leader.hold(stop))
        stop.set()
        assert await asyncio.wait_for(holding, timeout=2) == "stop"
        await leader.release()

    asyncio.run(scenario())


def test_lock_session_reports_an_unreachable_server_clearly() -> None:
    unreachable = Database("postgresql://chorus:hunter2@127.0.0.1:1/none")
    session = LockSession(unreachable, "x", timeout_s=1)
    with pytest.raises(DatabaseUnavailable) as error:
        session.try_lock(LEADER_LOCK_KEY)
    assert "hunter2" not in str(error.value) and "127.0.0.1:1" in str(error.value)
    assert not session.is_open
