"""What a bad database URL, and a failing statement, look like to the user and to the daemon:
only a failed or lost connection is an outage (DatabaseUnavailable, retried as such)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import errors

from monitor.cli import cli
from storage.database import Database, DatabaseUnavailable, DatabaseUrlError
from tests.secrets_support import empty_secrets_file

ROOT = Path(__file__).resolve().parent.parent
BAD_URLS = {
    "mysql://x:secretpw@127.0.0.1/db": "mysql://x:***@127.0.0.1/db is not a PostgreSQL URL",
    "garbage secretpw": "is neither a postgresql:// URL nor key=value connection settings",
    "postgresql://x:secretpw@[::1/db": "postgresql://x:***@[::1/db is malformed: end of string",
}


@pytest.mark.parametrize("url", list(BAD_URLS))
def test_a_malformed_url_is_one_line_without_the_password(url: str, tmp_path: Path) -> None:
    env = {**os.environ, "CHORUS_DATABASE_URL": url,
           "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}
    env.pop("CHORUS_CONFIG", None)
    shell = subprocess.run([sys.executable, "-m", "monitor.cli", "db", "status"], env=env,
                           cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    posts = tmp_path / "posts.jsonl"
    posts.write_text("{}\n", encoding="utf-8")
    runner = CliRunner().invoke(cli, ["import", "jsonl", str(posts)], env=env)
    for code, out, err in ((shell.returncode, shell.stdout, shell.stderr),
                           (runner.exit_code, runner.stdout, runner.stderr)):
        assert code == 2 and out == ""
        assert err.startswith("error: the database URL (CHORUS_DATABASE_URL)")
        assert BAD_URLS[url] in err and err.count("\n") == 1
        assert "secretpw" not in out + err and "Traceback" not in out + err


def test_a_badly_escaped_password_is_not_quoted_back() -> None:
    with pytest.raises(DatabaseUrlError) as error:
        Database("postgresql://u:pa%zzss@127.0.0.1/db")
    assert "pa%zzss" not in str(error.value) and "invalid percent-encoded" in str(error.value)


def test_a_statement_timeout_is_not_an_outage(db: Database) -> None:
    with pytest.raises(errors.QueryCanceled), db.connection() as conn:
        conn.execute("SET LOCAL statement_timeout = 10")
        conn.execute("SELECT pg_sleep(1)")
    with db.connection() as conn:  # the pool and the server are fine
        assert conn.execute("SELECT 1 AS one").fetchone() == {"one": 1}


def test_a_lock_timeout_is_not_an_outage(db: Database) -> None:
    with db.connect() as holder:
        holder.execute("LOCK TABLE narratives IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(errors.LockNotAvailable), db.connection() as conn:
            conn.execute("SET LOCAL lock_timeout = 10")
            conn.execute("SELECT count(*) FROM narratives")


def test_a_deadlock_is_not_an_outage(db: Database) -> None:
    """Two transactions take two advisory locks in opposite orders; the server picks one."""
    raised: list[BaseException] = []
    both_hold_one = threading.Barrier(2, timeout=10)

    def take(first: int, second: int) -> None:
        try:
            with db.connection() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(%(k)s)", {"k": first})
                both_hold_one.wait()
                conn.execute("SELECT pg_advisory_xact_lock(%(k)s)", {"k": second})
        except (psycopg.Error, DatabaseUnavailable) as exc:  # expected: DeadlockDetected
            raised.append(exc)

    threads = [threading.Thread(target=take, args=pair) for pair in ((1, 2), (2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [type(exc) for exc in raised] == [errors.DeadlockDetected]


def test_a_lost_connection_is_an_outage(db: Database) -> None:
    with pytest.raises(DatabaseUnavailable) as error, db.connection() as conn:
        pid = conn.execute("SELECT pg_backend_pid() AS pid").fetchone()
        with db.connect(autocommit=True) as killer:
            killer.execute("SELECT pg_terminate_backend(%(pid)s)", {"pid": pid and pid["pid"]})
        conn.execute("SELECT 1")
    assert "cannot connect to PostgreSQL" in str(error.value)


def test_a_pooled_connection_the_server_ended_is_replaced_not_handed_out(
        db: Database) -> None:
    """After a server restart the pool's idle connections are dead: the next user gets a
    fresh one (the first daemon runs after an outage failed on them)."""
    with db.connection() as conn:
        pid = conn.execute("SELECT pg_backend_pid() AS pid").fetchone()
    with db.connect(autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%(pid)s, 5000)", {"pid": pid and pid["pid"]})
    with db.connection() as conn:
        again = conn.execute("SELECT pg_backend_pid() AS pid").fetchone()
    assert again is not None and pid is not None and again["pid"] != pid["pid"]


def test_a_refused_statement_is_one_line_at_the_cli(db: Database, tmp_path: Path) -> None:
    """A statement the server refuses (here: a write in a read-only session) is named with its
    SQLSTATE in one line, with no traceback and no password."""
    url = psycopg.conninfo.make_conninfo(db.url, password="secretpw",
                                         options="-c default_transaction_read_only=on")
    env = {**os.environ, "CHORUS_DATABASE_URL": url,
           "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}
    env.pop("CHORUS_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "monitor.cli", "sources", "sync"], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "secretpw" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: the database refused the operation") and "25006" in line
