"""Leader election on a real server: one leader, followers wait on the lock and take over the
moment it goes (released, killed, or silent past its lease), and each lead is dated."""

from __future__ import annotations

import asyncio
import time

import psycopg
import pytest

from monitor.daemon.leader import Leadership
from storage import jobs as job_sql
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


async def leader_and_follower(db: Database, *, check_s: float,
                              follower_retry_s: float) -> tuple[Leadership, Leadership]:
    """daemon-a leading, daemon-b not yet asking."""
    first = Leadership(db, retry_s=0.1, check_s=check_s, name="daemon-a")
    second = Leadership(db, retry_s=follower_retry_s, check_s=check_s, name="daemon-b")
    assert await _acquire_within(first, 5)
    return first, second


def test_one_leader_then_failover_on_release(db: Database) -> None:
    async def scenario() -> None:
        first, second = await leader_and_follower(db, check_s=0.1, follower_retry_s=0.1)
        stop = asyncio.Event()
        holding = asyncio.create_task(first.hold(stop))  # proves a is alive meanwhile
        assert holder(db) == "daemon-a"
        assert not await _acquire_within(second, 0.5)  # a follower while a leads
        assert not second.is_leader
        stop.set()
        assert await holding == "stop"
        await first.release()
        assert await _acquire_within(second, 5)
        assert holder(db) == "daemon-b"
        await second.release()
        assert holder(db) is None

    asyncio.run(scenario())


def test_a_waiting_follower_takes_over_at_once_not_at_its_next_try(db: Database) -> None:
    async def scenario() -> None:
        first, second = await leader_and_follower(db, check_s=5, follower_retry_s=30)
        waiting = asyncio.create_task(second.acquire(asyncio.Event()))
        await asyncio.sleep(0.5)
        assert not waiting.done()
        released_at = time.monotonic()
        await first.release()
        assert await asyncio.wait_for(waiting, 5)
        assert time.monotonic() - released_at < 2  # not the 30 s retry
        assert holder(db) == "daemon-b"
        await second.release()

    asyncio.run(scenario())


def test_stop_ends_a_followers_wait_at_once(db: Database) -> None:
    async def scenario() -> None:
        first, second = await leader_and_follower(db, check_s=5, follower_retry_s=30)
        stop = asyncio.Event()
        waiting = asyncio.create_task(second.acquire(stop))
        await asyncio.sleep(0.5)
        stop.set()
        assert await asyncio.wait_for(waiting, 3) is False
        await second.release()
        await first.release()

    asyncio.run(scenario())


def test_a_silent_leader_loses_the_lock_and_knows_it(db: Database) -> None:
    """A leader that stops proving it is alive (frozen, hung) has its session ended by the
    server after its lease; a waiting follower gets the lock, and the silent one, when it
    wakes, no longer counts itself as leader and learns it lost."""
    async def scenario() -> None:
        frozen = Leadership(db, retry_s=0.1, check_s=0.5, name="daemon-a")
        follower = Leadership(db, retry_s=30, check_s=0.5, name="daemon-b")
        assert await _acquire_within(frozen, 5)
        assert frozen.confirmed() and frozen.lease_s == 2.0
        started = time.monotonic()
        assert await _acquire_within(follower, frozen.lease_s + 5)  # a never calls hold()
        assert frozen.lease_s - 0.2 < time.monotonic() - started < frozen.lease_s + 3
        assert holder(db) == "daemon-b"
        assert not frozen.confirmed()
        assert await asyncio.wait_for(frozen.hold(asyncio.Event()), 5) == "lost"
        await frozen.release()
        await follower.release()

    asyncio.run(scenario())


def test_the_new_leader_dates_its_lead_and_closes_a_dead_leaders_runs(db: Database) -> None:
    with db.connection() as conn:
        dead = job_sql.start_run(conn, "tag", daemon="daemon-dead")
        other = job_sql.start_run(conn, "replay")  # not a daemon's run: left alone

    async def scenario() -> None:
        await asyncio.sleep(0.2)
        leader = Leadership(db, retry_s=0.1, check_s=5, name="daemon-b")
        assert await _acquire_within(leader, 5)
        with db.connection() as conn:
            row = lock_holder(conn, LEADER_LOCK_KEY)
            runs = {r["id"]: r for r in conn.execute("SELECT id, status, error FROM job_runs")}
        assert row is not None and row["leading_since"] is not None
        assert row["leading_since"] == leader.since
        assert row["backend_start"] < row["leading_since"]
        assert runs[dead]["status"] == "abandoned"
        assert "daemon-dead" in runs[dead]["error"]
        assert runs[other]["status"] == "running"
        await leader.release()
        with db.connection() as conn:
            terms = conn.execute("SELECT daemon, ended_at FROM leader_terms").fetchall()
        assert [t["daemon"] for t in terms] == ["daemon-b"] and terms[0]["ended_at"] is not None

    asyncio.run(scenario())


def test_leader_notices_a_killed_session_and_a_follower_takes_over(db: Database) -> None:
    async def scenario() -> None:
        first, second = await leader_and_follower(db, check_s=0.1, follower_retry_s=0.1)
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
