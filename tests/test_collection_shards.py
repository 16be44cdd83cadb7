"""Issue 18, sharded collection: daemon replicas split the watched sources into shards under
session advisory locks, a fair share each; one that is killed hands its shards over at the
others' next rebalance. The replicas are separate processes running the replicas' shard
loop (monitor/sharding.py) over the fake Telegram client; which replica holds which shard
is read from the server's own lock table."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from storage.collection import ShardSet, watchlist
from storage.database import Database
from storage.jobs import LockSession
from storage.shards import SHARD_LOCK_BASE, ShardLocks
from tests.conftest import create_database, drop_database
from tests.secrets_support import empty_secrets_file
from tests.test_telegram_collect import watch

ROOT = Path(__file__).resolve().parents[1]
HANDLES = [f"shardchan{i}" for i in range(8)]
SHARDS = 4


def test_fair_shares_and_takeover_in_one_process(db: Database) -> None:
    a = ShardLocks(LockSession(db, "replica a"), SHARDS)
    b = ShardLocks(LockSession(db, "replica b"), SHARDS)
    try:
        assert a.rebalance() == frozenset(range(SHARDS))  # alone: every shard
        assert b.rebalance() == frozenset()  # joins; a still holds them all
        assert a.rebalance() == frozenset({0, 1})  # two members: a lets two go
        assert b.rebalance() == frozenset({2, 3})
        assert a.rebalance() == frozenset({0, 1})  # stable
        a.close()  # a's session ends, as when its process dies
        assert b.rebalance() == frozenset(range(SHARDS))
    finally:
        a.close()
        b.close()


def test_replicas_of_another_database_are_not_counted(db: Database, admin_url: str) -> None:
    """pg_locks shows the whole server's locks: a second Chorus database on the same server
    (staging beside production) has its own replicas and its own shares."""
    name = f"chorus_shards_{uuid.uuid4().hex[:8]}"
    other = Database(create_database(admin_url, name))
    here = ShardLocks(LockSession(db, "replica here"), SHARDS)
    there = ShardLocks(LockSession(other, "replica there"), SHARDS)
    try:
        assert here.rebalance() == frozenset(range(SHARDS))
        assert there.rebalance() == frozenset(range(SHARDS))
        assert here.rebalance() == frozenset(range(SHARDS))  # still alone in its database
    finally:
        here.close()
        there.close()
        other.close()
        drop_database(admin_url, name)


def test_the_watchlist_of_a_shard_set(db: Database) -> None:
    watch(db, *HANDLES)
    with db.connection() as conn:
        every = {s.handle for s in watchlist(conn)}
        parts = [{s.handle for s in watchlist(conn, shards=ShardSet(SHARDS, frozenset({k})))}
                 for k in range(SHARDS)]
    assert every == set(HANDLES)
    assert sum(len(p) for p in parts) == len(HANDLES) and set().union(*parts) == every


REPLICA = textwrap.dedent("""
    import asyncio, json, sys, time
    import monitor.sharding as sharding
    from monitor.settings import load_config
    from storage.database import Database
    from tests.test_telegram_fake import FakeTelegram, message

    url, name, log, secrets, handles = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
    fake = FakeTelegram()
    for handle in handles:
        fake.add_channel(handle, [message(handle, i) for i in (1, 2, 3)])
    real_collect = sharding.collect

    async def logged(*args, **kwargs):
        results = await real_collect(*args, **kwargs)
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"at": time.time(), "handles": sorted(
                r.handle for r in results if r.status == "ok")}) + "\\n")
        return results

    sharding.collect = logged
    config = load_config({"CHORUS_SECRETS_FILE": secrets, "CHORUS_COLLECT_SHARDS": "4",
                          "CHORUS_SHARD_POLL_S": "0.3"})
    asyncio.run(sharding.collect_by_shard(config, Database(url), asyncio.Event(), name=name,
                                          platform="telegram",
                                          telegram_client_factory=lambda: fake))
""")


def _holders(db: Database) -> dict[str, set[int]]:
    """Which replica (application name) holds which shard, from pg_locks."""
    with db.connection() as conn:
        rows = conn.execute(
            """SELECT a.application_name AS holder,
                      ((l.classid::bigint << 32) | l.objid::bigint) - %(base)s AS shard
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                 AND l.database = (SELECT oid FROM pg_database
                                   WHERE datname = current_database())
                 AND ((l.classid::bigint << 32) | l.objid::bigint)
                     BETWEEN %(base)s AND %(base)s + 3""", {"base": SHARD_LOCK_BASE}).fetchall()
    held: dict[str, set[int]] = {}
    for row in rows:
        held.setdefault(str(row["holder"]).removesuffix(" shards"), set()).add(int(row["shard"]))
    return held


def _shard_of(db: Database) -> dict[str, int]:
    with db.connection() as conn:
        rows = conn.execute("SELECT handle, source_shard(platform, handle, 4) AS shard "
                            "FROM sources").fetchall()
    return {str(r["handle"]): int(r["shard"]) for r in rows}


def _until(check: Callable[[], bool], seconds: float = 30.0) -> float:
    began = time.monotonic()
    while not check():
        assert time.monotonic() - began < seconds, "timed out"
        time.sleep(0.1)
    return time.monotonic() - began


def _collected_since(log: Path, since: float) -> set[str]:
    if not log.exists():
        return set()
    rounds = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return {h for r in rounds if r["at"] >= since for h in r["handles"]}


def _all_due(db: Database) -> float:
    """Every source is due again; returns the moment, to read the logs from."""
    moment = time.time()
    with db.connection() as conn:
        conn.execute("UPDATE collector_state SET last_run_at = last_run_at - interval '1 day'")
    return moment


@pytest.mark.slow
def test_two_replicas_split_the_sources_and_one_takes_over(db: Database,
                                                           tmp_path: Path) -> None:
    watch(db, *HANDLES)
    script = tmp_path / "replica.py"
    script.write_text(REPLICA, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    logs = {name: tmp_path / f"{name}.log" for name in ("replica-a", "replica-b")}
    secrets = empty_secrets_file(tmp_path)
    processes = {name: subprocess.Popen(
        [sys.executable, str(script), db.url, name, str(log), str(secrets), *HANDLES],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name, log in logs.items()}
    try:
        _until(lambda: {k: len(v) for k, v in _holders(db).items()}
               == {"replica-a": 2, "replica-b": 2})
        shard_of, held = _shard_of(db), _holders(db)
        since = _all_due(db)
        expected = {name: {h for h in HANDLES if shard_of[h] in held[name]} for name in logs}
        _until(lambda: all(_collected_since(logs[n], since) >= expected[n] for n in logs))
        assert {n: _collected_since(logs[n], since) for n in logs} == expected  # disjoint
        processes["replica-a"].send_signal(signal.SIGKILL)
        processes["replica-a"].wait(10)
        took = _until(lambda: _holders(db) == {"replica-b": set(range(SHARDS))})
        assert took < 5  # the poll is 0.3 s here; shard_poll_s (30 s) in production
        since = _all_due(db)
        _until(lambda: _collected_since(logs["replica-b"], since) == set(HANDLES))
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
            _, err = process.communicate(timeout=10)
            assert b"Traceback" not in err, err.decode()[-2000:]


def test_a_follower_daemon_collects_its_shards_and_the_leader_keeps_the_rest(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two daemons in one process: both collect half the shards, only one leads; with
    collect_shards, the leader's schedule has no collect or recheck job."""
    import asyncio

    import monitor.sharding as sharding
    from monitor.daemon.jobs import default_jobs
    from monitor.daemon.main import Daemon
    from monitor.settings import load_config

    config = load_config({"CHORUS_DATABASE_URL": db.url, "CHORUS_COLLECT_SHARDS": "4",
                          "CHORUS_SHARD_POLL_S": "0.1", "CHORUS_LEADER_RETRY_S": "0.1",
                          "CHORUS_LEADER_CHECK_S": "0.1",
                          "CHORUS_SECRETS_FILE": str(empty_secrets_file(tmp_path))})
    names = [s.id for s in default_jobs(config)]
    assert not any(n.startswith("collect:") or n == "recheck" for n in names), names
    assert {"tag", "digest", "housekeeping", "alerts"} <= set(names)
    seen: dict[str, set[int]] = {}

    async def fake_collect(config: object, db: object, *, shards: ShardSet,
                           **options: object) -> list[object]:
        seen.setdefault(asyncio.current_task().get_name(), set()).update(shards.held)  # type: ignore[union-attr]
        return []

    monkeypatch.setattr(sharding, "collect", fake_collect)

    async def scenario() -> tuple[bool, bool]:
        first, second = Daemon(config, db, [], name="d1"), Daemon(config, db, [], name="d2")
        runs = [asyncio.create_task(d.run(), name=d.leadership.name) for d in (first, second)]
        await asyncio.sleep(2.0)
        leaders = (first.leadership.is_leader, second.leadership.is_leader)
        for daemon in (first, second):
            daemon.request_stop()
        assert await asyncio.wait_for(asyncio.gather(*runs), 20) == [0, 0]
        return leaders

    leaders = asyncio.run(scenario())
    assert sorted(leaders) == [False, True]
    assert sum(len(held) for held in seen.values()) >= SHARDS and len(seen) == 2, seen
