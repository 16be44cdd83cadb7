"""Two real `chorus daemon` processes on one database: one leads, the other waits on the lock;
when the leader is killed with SIGKILL the other takes over at once (well under its 15 s
retry), and `chorus status` dates the lead from then; SIGINT exits 0 (SIGTERM:
tests/test_daemon_signals.py; other faults: tests/test_daemon_faults.py)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from storage import jobs as job_sql
from storage.database import Database
from storage.rows import one
from tests.secrets_support import empty_secrets_file

ROOT = Path(__file__).resolve().parents[1]
CHORUS = Path(sys.executable).with_name("chorus")
RETRY_S = 15.0  # the default: a waiting follower must not need it to take over


def leader_pid(db: Database) -> int | None:
    with db.connection() as conn:
        holder = job_sql.lock_holder(conn, job_sql.LEADER_LOCK_KEY)
    if holder is None:
        return None
    match = re.search(r"pid (\d+)$", str(holder["application_name"]))
    assert match, holder
    return int(match.group(1))


def server_now(db: Database) -> datetime:
    with db.connection() as conn:
        now: datetime = one(conn.execute("SELECT now() AS now").fetchone())["now"]
    return now


def status_json(db: Database, tmp_path: Path) -> dict[str, Any]:
    env = {"CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}
    result = CliRunner().invoke(cli, ["status", "--json"], env=env)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def wait_for_log(log: Path, text: str, seconds: float) -> None:
    start = time.monotonic()
    while text not in log.read_text():
        assert time.monotonic() - start < seconds, f"{log.name} never said {text!r}"
        time.sleep(0.05)


def wait_for_leader(db: Database, candidates: set[int], seconds: float) -> tuple[int, float]:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        pid = leader_pid(db)
        if pid in candidates:
            return pid, time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"no leader among {candidates} after {seconds}s")


@pytest.mark.slow
def test_one_leader_and_failover_after_sigkill(db: Database, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHORUS_")}
    env.update({
        "CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
        "CHORUS_OUTBOX_DIR": str(tmp_path / "outbox"), "CHORUS_LEADER_RETRY_S": str(RETRY_S),
        "CHORUS_LEADER_CHECK_S": "0.5", "CHORUS_SHUTDOWN_GRACE_S": "2",
    })
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = []
    for log in logs:
        with log.open("wb") as out:
            procs.append(subprocess.Popen([str(CHORUS), "daemon"], cwd=tmp_path, env=env,
                                          stdout=out, stderr=subprocess.STDOUT))
    by_pid = {p.pid: p for p in procs}
    try:
        first, _ = wait_for_leader(db, set(by_pid), 60)
        time.sleep(2)  # the follower waits on the lock meanwhile ...
        assert leader_pid(db) == first  # ... and never takes the lock from a live leader
        follower = next(pid for pid in by_pid if pid != first)
        assert by_pid[follower].poll() is None  # waiting, not exiting

        killed_at = time.monotonic()
        killed_on_server = server_now(db)
        by_pid[first].send_signal(signal.SIGKILL)
        by_pid[first].wait(10)
        second, _ = wait_for_leader(db, {follower}, 30)
        takeover = time.monotonic() - killed_at
        assert takeover < 3  # at once, not at the follower's next try
        wait_for_log(logs[procs.index(by_pid[follower])], "is the leader", 10)
        shown = status_json(db, tmp_path)["leader"]
        assert shown["name"].endswith(f"pid {follower}")
        assert datetime.fromisoformat(shown["since"]) > killed_on_server  # since it leads

        by_pid[follower].send_signal(signal.SIGINT)  # Ctrl-C: the same clean stop as SIGTERM
        assert by_pid[follower].wait(30) == 0
        assert leader_pid(db) is None  # released on the way out
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)
    follower_log = logs[procs.index(by_pid[follower])].read_text()
    assert "is a follower" in follower_log and "is the leader" in follower_log
    assert "Traceback" not in follower_log
    print(f"failover after SIGKILL: {takeover:.2f}s (retry interval {RETRY_S}s)")
