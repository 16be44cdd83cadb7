"""Real daemon processes: SIGTERM in the middle of a collection run, and a PostgreSQL
outage in the middle of one (on a private server, started and stopped by the test).

The child is tests/test_daemon_harness.py: the production Daemon with the real collection
path reading a slow in-memory Telegram channel (the fake at the network boundary).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest
from psycopg import sql

from storage import jobs as job_sql
from storage.database import Database
from storage.migrate import migrate
from tests.factories import add_source
from tests.secrets_support import empty_secrets_file

if TYPE_CHECKING:
    from pgserver.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
PAGE = 50


def child_env(url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHORUS_")}
    env.update({
        "CHORUS_DATABASE_URL": url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
        "CHORUS_OUTBOX_DIR": str(tmp_path / "outbox"), "CHORUS_TELEGRAM_PAGE_SIZE": str(PAGE),
        "CHORUS_LEADER_RETRY_S": "0.3", "CHORUS_LEADER_CHECK_S": "0.3",
        "CHORUS_JOB_RETRY_INITIAL_S": "0.5", "CHORUS_JOB_RETRY_MAX_S": "2",
        "CHORUS_SHUTDOWN_GRACE_S": "0.5", "CHORUS_RECHECK_WINDOW_HOURS": "1",
    })
    env.update({f"CHORUS_{k.upper()}": v for k, v in extra.items()})
    return env


def spawn(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "tests.test_daemon_harness", *args],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> float:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, f"timed out waiting for {what}"
        time.sleep(0.1)
    return time.monotonic() - start


def query(url: str, text: str) -> list[dict[str, Any]]:
    from psycopg.rows import dict_row

    with psycopg.connect(url, row_factory=dict_row, connect_timeout=3) as conn:
        return conn.execute(text).fetchall()


def post_ids(url: str) -> list[int]:
    rows = query(url, "SELECT native_id FROM posts")
    return sorted(int(r["native_id"]) for r in rows)


def count_or_zero(url: str) -> int:
    try:
        return len(post_ids(url))
    except psycopg.OperationalError:
        return 0


def checkpoint(url: str) -> int:
    rows = query(url, "SELECT checkpoint FROM collector_state")
    return int(rows[0]["checkpoint"]) if rows and rows[0]["checkpoint"] else 0


def stop_child(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)


@pytest.mark.slow
def test_sigterm_mid_run_leaves_only_whole_pages_and_exits_0(db: Database,
                                                             tmp_path: Path) -> None:
    add_source(db, "telegram", "slowchan", "Slow Channel", "militia_media")
    log = tmp_path / "daemon.log"
    proc = spawn(child_env(db.url, tmp_path), log, "2000", "0.3")
    try:
        wait_until(lambda: count_or_zero(db.url) >= 2 * PAGE, 60, "two pages collected")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        stop_child(proc)
    ids = post_ids(db.url)
    assert 2 * PAGE <= len(ids) < 2000  # stopped in the middle of the run
    assert len(ids) % PAGE == 0  # whole pages only
    assert ids == list(range(1, len(ids) + 1))  # no gap, no duplicate
    assert checkpoint(db.url) == len(ids)  # the checkpoint moved with exactly those pages
    output = log.read_text()
    assert "received SIGTERM" in output and "daemon stopped" in output
    assert "Traceback" not in output
    with db.connection() as conn:
        assert job_sql.lock_holder(conn, job_sql.LEADER_LOCK_KEY) is None  # lock released
        (last,) = [r for r in job_sql.last_runs(conn) if r["job"] == "collect:telegram"]
    assert last["status"] == "abandoned"


@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own (the shared one must never be stopped)."""
    from pgserver.postgres_server import get_server

    server = get_server(tmp_path / "pgdata", cleanup_mode="stop")
    try:
        yield server
    finally:
        server.cleanup()


def stop_server(server: PostgresServer) -> None:
    # pgserver makes one function per PostgreSQL binary at import time (setattr): untyped
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user,
           timeout=30)


@pytest.mark.slow
def test_database_outage_mid_run_no_crash_no_loss(private_server: PostgresServer,
                                                  tmp_path: Path) -> None:
    admin = private_server.get_uri("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier("chorus_outage")))
    url = private_server.get_uri("chorus_outage")
    db = Database(url)
    migrate(db)
    add_source(db, "telegram", "slowchan", "Slow Channel", "militia_media")
    db.close()
    log = tmp_path / "daemon.log"
    stop_server(private_server)  # down before the daemon starts: it must wait, not exit
    proc = spawn(child_env(url, tmp_path), log, "600", "0.2", "--with-housekeeping")
    try:
        time.sleep(2)
        assert proc.poll() is None and count_or_zero(url) == 0
        private_server.ensure_postgres_running()
        wait_until(lambda: count_or_zero(url) >= PAGE, 60, "the first page")
        stop_server(private_server)  # mid-run: the collection is paging through the channel
        time.sleep(3)
        assert proc.poll() is None, "the daemon must survive the outage"
        private_server.ensure_postgres_running()
        wait_until(lambda: count_or_zero(url) == 600, 90, "collection to catch up")
        wait_until(lambda: any((tmp_path / "outbox").glob("chorus-digest-*.eml")), 60,
                   "the owed digest (housekeeping catches up when leading)")
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        stop_child(proc)
    assert post_ids(url) == list(range(1, 601))  # nothing lost, nothing twice
    assert checkpoint(url) == 600
    output = log.read_text()
    assert "database unavailable while electing a leader" in output  # waited at start
    assert "lost leadership" in output  # it noticed the outage ...
    assert output.count("is the leader") >= 2  # ... and led again when the server came back
    assert "Traceback" not in output
    runs = query(url, "SELECT job, status FROM job_runs")
    assert {"job": "housekeeping", "status": "ok"} in runs
