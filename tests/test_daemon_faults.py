"""Real daemon processes under faults (issue 20): a leader frozen with SIGSTOP is replaced and
stands down when it resumes; a slow page past the grace, on SIGTERM or a lost lock, is the
last one its thread writes and never overlaps the next run; after a PostgreSQL outage the
first runs succeed and status tells what failed; status names the right leader throughout.

The child is tests/test_daemon_harness.py with its "pages" job: each page one slow
transaction, stamped in harness_pages when it began and when it committed.
"""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from storage.database import Database
from storage.migrate import migrate
from tests.test_daemon_signals import (
    child_env,
    private_server,  # noqa: F401 (a fixture)
    query,
    spawn,
    stop_child,
    stop_server,
    wait_until,
)
from tests.test_leader_processes import (
    leader_pid,
    server_now,
    status_json,
    wait_for_leader,
    wait_for_log,
)


def make_pages_table(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE harness_pages (run text NOT NULL, "
                     "began_at timestamptz NOT NULL, written_at timestamptz)")


def pages(url: str, pid: int | None = None) -> list[dict[str, Any]]:
    """Committed pages (of one daemon's runs when `pid` is given)."""
    found = query(url, "SELECT run, began_at, written_at FROM harness_pages ORDER BY began_at")
    return [p for p in found if pid is None or p["run"].startswith(f"{pid}-")]


def runs(url: str, job: str | None = None) -> list[dict[str, Any]]:
    found = query(url, "SELECT id, job, daemon, status, error, started_at FROM job_runs "
                       "ORDER BY id")
    return [r for r in found if job is None or r["job"] == job]


def by(pid: int, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if str(r["daemon"]).endswith(f"pid {pid}")]


@pytest.mark.slow
def test_a_frozen_leader_is_replaced_and_stands_down_when_it_resumes(
        db: Database, tmp_path: Path) -> None:
    make_pages_table(db.url)
    # Checks every 0.5 s, so a lease of 2 s (its minimum); followers wait 15 s per try.
    env = child_env(db.url, tmp_path, leader_retry_s="15", leader_check_s="0.5")
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    procs = [spawn(env, log, "0", "0", "--pages", "0.3", "1000") for log in logs.values()]
    by_pid = {p.pid: p for p in procs}
    log_of = {p.pid: log for p, log in zip(procs, logs.values(), strict=True)}
    try:
        frozen, _ = wait_for_leader(db, set(by_pid), 60)
        other = next(pid for pid in by_pid if pid != frozen)
        wait_until(lambda: len(pages(db.url, frozen)) >= 2, 30, "the leader's pages")
        frozen_at = server_now(db)
        by_pid[frozen].send_signal(signal.SIGSTOP)
        _, took = wait_for_leader(db, {other}, 20)
        assert took < 2 + 3  # its lease, and a margin for a busy machine
        wait_for_log(log_of[other], "is the leader", 10)
        report = status_json(db, tmp_path)
        assert report["leader"]["name"].endswith(f"pid {other}")  # not the frozen one
        assert datetime.fromisoformat(report["leader"]["since"]) > frozen_at
        left = [r for r in by(frozen, runs(db.url)) if r["status"] == "running"]
        assert left == []  # its runs were closed as the new leader took over
        closed = [r for r in by(frozen, runs(db.url, "pages")) if r["status"] == "abandoned"]
        assert closed and f"pid {frozen}" in str(closed[-1]["error"])

        time.sleep(1)  # frozen for well past its lease, with runs due on its schedule
        resumed_at = server_now(db)
        by_pid[frozen].send_signal(signal.SIGCONT)
        wait_for_log(log_of[frozen], "gave no sign of life", 10)
        wait_for_log(log_of[frozen], "is a follower", 10)
        time.sleep(1.5)
        assert [r for r in by(frozen, runs(db.url)) if r["started_at"] > resumed_at] == []
        assert [p for p in pages(db.url, frozen) if p["began_at"] > resumed_at] == []
        assert leader_pid(db) == other
        assert status_json(db, tmp_path)["leader"]["name"].endswith(f"pid {other}")
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        assert [proc.wait(30) for proc in procs] == [0, 0]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
            stop_child(proc)
    for log in logs.values():
        assert "Traceback" not in log.read_text()


def one_slow_daemon(db: Database, tmp_path: Path, *, page_s: str, max_pages: str,
                    wait_for: int) -> tuple[subprocess.Popen[bytes], Path]:
    """A daemon whose pages outlast its grace (0.3 s), once it has written `wait_for`."""
    make_pages_table(db.url)
    log = tmp_path / "daemon.log"
    proc = spawn(child_env(db.url, tmp_path, shutdown_grace_s="0.3"), log,
                 "0", "0", "--pages", page_s, max_pages)
    try:
        wait_until(lambda: len(pages(db.url)) >= wait_for, 60, f"{wait_for} page(s)")
    except AssertionError:
        stop_child(proc)
        raise
    return proc, log


@pytest.mark.slow
def test_sigterm_past_the_grace_ends_at_the_page_in_progress(db: Database,
                                                             tmp_path: Path) -> None:
    proc, log = one_slow_daemon(db, tmp_path, page_s="1.5", max_pages="8", wait_for=2)
    try:
        sent_at = server_now(db)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        stop_child(proc)
    written = pages(db.url)
    assert [p for p in written if p["began_at"] > sent_at] == []  # no page after the stop
    assert len([p for p in written if p["written_at"] > sent_at]) <= 1  # the one under way
    output = log.read_text()
    assert output.index("waiting for 1 job thread(s)") < output.index("daemon stopped")
    assert "Traceback" not in output
    assert runs(db.url, "pages")[-1]["status"] == "abandoned"


@pytest.mark.slow
def test_after_a_lost_lock_the_next_run_waits_for_the_abandoned_thread(
        db: Database, tmp_path: Path) -> None:
    proc, log = one_slow_daemon(db, tmp_path, page_s="1.0", max_pages="1000", wait_for=1)
    try:
        with psycopg.connect(db.url, autocommit=True) as admin:  # the lock session dies
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name LIKE %(name)s", {"name": f"% pid {proc.pid}"})
        wait_for_log(log, "lost leadership", 10)
        wait_until(lambda: log.read_text().count("is the leader") >= 2, 20, "leading again")
        wait_until(lambda: any(p["run"] == f"{proc.pid}-2" for p in pages(db.url)), 20,
                   "a page of the next run")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        stop_child(proc)
    first = [p for p in pages(db.url) if p["run"] == f"{proc.pid}-1"]
    second = [p for p in pages(db.url) if p["run"] == f"{proc.pid}-2"]
    # The abandoned run's thread wrote its page under way and stopped; the next run began
    # after it (a cleared stop flag let it page on beside the new run, writing twice).
    assert max(p["written_at"] for p in first) <= min(p["began_at"] for p in second)
    assert "Traceback" not in log.read_text()


@pytest.mark.slow
def test_after_an_outage_the_first_runs_succeed_and_status_tells_what_failed(
        private_server: Any, tmp_path: Path) -> None:  # noqa: F811 (the fixture)
    admin = private_server.get_uri("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier("chorus_faults")))
    url = private_server.get_uri("chorus_faults")
    with Database(url) as setup:
        migrate(setup)
    make_pages_table(url)
    log = tmp_path / "daemon.log"
    # A first retry after 60 s: only forgetting the backoff on regaining the lead (and fresh
    # pooled connections) lets the jobs run at once after the outage.
    env = child_env(url, tmp_path, job_retry_initial_s="60", job_retry_max_s="600")
    proc = spawn(env, log, "0", "0", "--pages", "0.3", "5")
    try:
        wait_until(lambda: len([r for r in runs(url, "pages") if r["status"] == "ok"]) >= 1,
                   60, "a whole run")
        wait_until(lambda: runs(url, "pages")[-1]["status"] == "running", 10, "a run under way")
        stop_server(private_server)  # mid-run: its page fails
        time.sleep(3)
        assert proc.poll() is None, "the daemon must survive the outage"
        private_server.ensure_postgres_running()
        db = Database(url)
        # When the server came back (the daemon may have reconnected before this query).
        back_at = query(url, "SELECT pg_postmaster_start_time() AS at")[0]["at"]
        for job in ("pages", "collect:telegram"):
            wait_until(lambda job=job: any(  # type: ignore[misc]
                r["started_at"] > back_at and r["status"] != "running" for r in runs(url, job)),
                15, f"a {job} run after the outage")
            first = next(r for r in runs(url, job) if r["started_at"] > back_at)
            assert first["status"] == "ok", first  # not failed on a dead pooled connection
        report = status_json(db, tmp_path)
        assert datetime.fromisoformat(report["leader"]["since"]) > back_at  # led again then
        (pages_job,) = [j for j in report["jobs"] if j["job"] == "pages"]
        assert pages_job["failures_24h"] >= 1  # the run the outage cut off
        cut_off = [r for r in runs(url) if r["started_at"] < back_at]
        assert [r for r in cut_off if r["status"] == "running"] == []
        assert any("DatabaseUnavailable" in str(r["error"]) for r in cut_off)
        db.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        stop_child(proc)
    output = log.read_text()
    assert "lost leadership" in output and "Traceback" not in output
