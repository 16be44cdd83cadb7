"""Chorus run the way an operator runs it (issue 12): not as the superuser that owns the demo.

A database migrated from empty by its owner (not a template copy, so that migration 070's
database-level grants hold); a login role that is only a member of chorus_app runs the
daemon, an import and the console; a backup role holding only pg_read_all_data runs
pg_dump; the reader still may not take locks or make temporary tables. Login roles are
made per module with unique names and dropped afterwards.
"""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from apscheduler.triggers.interval import IntervalTrigger
from click.testing import CliRunner
from psycopg import conninfo, errors, sql

from monitor.cli import cli
from monitor.daemon.jobs import converge_job, housekeeping_job
from monitor.daemon.leader import Leadership
from monitor.daemon.main import Daemon
from monitor.daemon.runner import JobSpec
from monitor.settings import load_config
from storage.database import Database
from storage.jobs import LEADER_LOCK_KEY, LockNotPermitted, LockSession
from storage.migrate import migrate
from storage.pg_dump import find_pg_dump
from tests.conftest import create_database, drop_database
from tests.console_corpus import client_for, csrf_token
from tests.roles import as_role, temporary_role
from tests.secrets_support import empty_secrets_file


@dataclass(frozen=True)
class Deployment:
    owner_url: str  # the database's owner, who migrates
    app_url: str  # a login role that is a member of chorus_app and nothing else
    backup_url: str  # a login role holding pg_read_all_data and nothing else
    app_role: str


@pytest.fixture(scope="module")
def login_roles(admin_url: str) -> Iterator[tuple[str, str]]:
    # Membership of chorus_app is granted once a migration has made it (070).
    with temporary_role(admin_url, "app") as app, \
            temporary_role(admin_url, "backup", member_of="pg_read_all_data") as backup:
        yield app, backup


@pytest.fixture(scope="module")
def deployment(admin_url: str, login_roles: tuple[str, str]) -> Iterator[Deployment]:
    app, backup = login_roles
    name = f"chorus_deploy_{uuid.uuid4().hex[:10]}"
    url = create_database(admin_url, name)
    owner = Database(url, max_size=1)
    try:
        migrate(owner)
    finally:
        owner.close()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("GRANT chorus_app TO {}").format(sql.Identifier(app)))
    try:
        yield Deployment(url, as_role(url, app), as_role(url, backup), app)
    finally:
        drop_database(admin_url, name)


def test_the_daemon_leads_and_runs_its_jobs_as_the_application_role(
        deployment: Deployment, tmp_path: Path) -> None:
    config = load_config({
        "CHORUS_DATABASE_URL": deployment.app_url, "CHORUS_OUTBOX_DIR": str(tmp_path / "out"),
        "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path), "CHORUS_TIMEZONE": "UTC",
        "CHORUS_LEADER_RETRY_S": "0.1", "CHORUS_LEADER_CHECK_S": "0.2"})
    # Housekeeping runs on taking the lead (and delivers the digest under its own lock);
    # convergence refreshes the rollups under the refresh lock.
    specs = [JobSpec("housekeeping", housekeeping_job, IntervalTrigger(hours=1), None),
             JobSpec("converge", converge_job, IntervalTrigger(seconds=1), None)]
    db = Database(deployment.app_url, max_size=4)

    async def scenario() -> dict[str, int]:
        daemon = Daemon(config, db, specs, name="daemon-as-app")
        running = asyncio.create_task(daemon.run())
        for _ in range(300):
            if running.done() or {"housekeeping", "converge"} <= set(daemon.runner.completed):
                break
            await asyncio.sleep(0.1)
        daemon.request_stop()
        assert await asyncio.wait_for(running, timeout=30) == 0
        return dict(daemon.runner.completed)

    try:
        completed = asyncio.run(scenario())
        with db.connection() as conn:
            runs = conn.execute("SELECT job, status, error FROM job_runs ORDER BY id").fetchall()
    finally:
        db.close()
    assert completed.get("housekeeping", 0) >= 1 and completed.get("converge", 0) >= 1, runs
    assert all(r["status"] == "ok" for r in runs), runs


def test_sources_sync_and_a_jsonl_import_as_the_application_role(
        deployment: Deployment, tmp_path: Path) -> None:
    env = {"CHORUS_DATABASE_URL": deployment.app_url,
           "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}
    synced = CliRunner().invoke(cli, ["sources", "sync", "--json"], env=env)
    assert synced.exit_code == 0, synced.output
    lines = [{"platform": "telegram", "source": "Tura313", "id": str(i),
              "posted_at": f"2021-11-07T0{i}:00:00+00:00", "text": f"مشروع فتنة {i}"}
             for i in range(1, 4)]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "jsonl", str(path), "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["inserted"] == 3


def test_the_console_and_its_sql_tab_as_the_application_role(
        deployment: Deployment, tmp_path: Path) -> None:
    db = Database(deployment.app_url, max_size=2)
    try:
        client = client_for(db, tmp_path, sql_timeout_ms="700")
        assert client.get("/").status_code == 200
        page = client.get("/sql").text
        assert "chorus_reader lacks" not in page and "does not exist" not in page
        token = csrf_token(client, "/sql")
        answer = client.post("/sql", data={"csrf_token": token, "action": "run",
                                           "sql": "SELECT current_user AS who, count(*) FROM posts"})
        assert answer.status_code == 200
        assert ">chorus_reader</td>" in answer.text
        # set_config is PUBLIC's again, and still lifts no limit: the query is cancelled.
        answer = client.post("/sql", data={
            "csrf_token": token, "action": "run",
            "sql": "SELECT set_config('statement_timeout', '0', false), pg_sleep(30)"})
        assert answer.status_code == 400 and "ran past the 700 ms limit" in answer.text
    finally:
        db.close()


def test_pg_dump_as_a_backup_role_with_only_pg_read_all_data(deployment: Deployment) -> None:
    with psycopg.connect(deployment.backup_url) as conn:
        major = conn.info.server_version // 10000
    done = subprocess.run(
        [find_pg_dump(major), "--schema-only", f"--dbname={deployment.backup_url}"],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "CREATE TABLE public.posts" in done.stdout


def test_the_reader_still_may_not_lock_or_make_temporary_tables(deployment: Deployment) -> None:
    reader = as_role(deployment.owner_url, "chorus_reader")
    with psycopg.connect(reader, autocommit=True) as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SELECT pg_try_advisory_lock(%(k)s)", {"k": LEADER_LOCK_KEY})
        conn.execute("SET default_transaction_read_only = off")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("CREATE TEMP TABLE loot (x int)")
    with psycopg.connect(deployment.app_url, autocommit=True) as conn:
        conn.execute("CREATE TEMP TABLE staging (x int)")  # the application may


def test_a_role_without_the_grant_gets_a_clear_report_not_a_crash(
        deployment: Deployment, admin_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """The old LockSession let InsufficientPrivilege escape, and the daemon died."""
    with temporary_role(admin_url, "bare") as role:
        db = Database(as_role(deployment.owner_url, role), max_size=1)
        try:
            session = LockSession(db, "bare")
            with pytest.raises(LockNotPermitted, match=f"GRANT chorus_app TO {role}"):
                session.try_lock(LEADER_LOCK_KEY)
            assert not session.is_open
            with caplog.at_level(logging.INFO, logger="chorus.leader"):
                assert asyncio.run(elect(db)) is False
        finally:
            db.close()
    errors_logged = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors_logged) == 1  # said once, not every retry
    assert f"GRANT chorus_app TO {role}" in errors_logged[0].getMessage()


async def elect(db: Database) -> bool:
    """Try to lead for half a second."""
    leadership = Leadership(db, retry_s=0.1, check_s=0.2, name="bare")
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.5, stop.set)
    return await leadership.acquire(stop)


def test_an_owner_that_is_not_a_superuser_migrates(admin_url: str,
                                                    deployment: Deployment) -> None:
    """What an operator's owner role does: CREATEDB at most, no superuser, no CREATEROLE
    (chorus_app and chorus_reader exist: a superuser made them, or an earlier migration)."""
    name = f"chorus_own_{uuid.uuid4().hex[:10]}"
    with temporary_role(admin_url, "owner") as owner:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(owner)))
        url = as_role(conninfo.make_conninfo(admin_url, dbname=name), owner)
        db = Database(url, max_size=1)
        app = Database(as_role(url, deployment.app_role), max_size=1)
        try:
            assert migrate(db)
            session = LockSession(app, "app")
            assert session.try_lock(LEADER_LOCK_KEY)
            session.close()
            with app.connection() as conn:
                conn.execute("INSERT INTO job_runs (job) VALUES ('check')")
        finally:
            app.close()
            db.close()
            drop_database(admin_url, name)


# --- the console checks the reader's privileges, and changes none ---------------------

PRIVILEGES = """
SELECT (SELECT datacl::text FROM pg_database WHERE datname = current_database()) AS database,
       (SELECT nspacl::text FROM pg_namespace WHERE nspname = 'reader') AS reader_schema,
       (SELECT string_agg(relname || coalesce(relacl::text, ''), ',' ORDER BY relname)
          FROM pg_class WHERE relnamespace = 'reader'::regnamespace) AS reader_views,
       (SELECT string_agg(p.oid::regprocedure::text || coalesce(proacl::text, ''), ','
                          ORDER BY 1)
          FROM pg_proc p WHERE p.proname LIKE 'pg%%advisory%%' OR p.proname = 'set_config'
                            OR p.proname LIKE 'dblink%%') AS functions
"""


def privileges(db: Database) -> dict[str, object]:
    with db.connection() as conn:
        row = conn.execute(PRIVILEGES).fetchone()
    assert row is not None
    return dict(row)


def test_starting_the_console_grants_and_revokes_nothing(db: Database, tmp_path: Path) -> None:
    with db.connection() as conn:
        # Installed after migrating, where the server has it (the embedded one does not).
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'dblink'").fetchone():
            conn.execute("CREATE EXTENSION IF NOT EXISTS dblink")
    before = privileges(db)
    client = client_for(db, tmp_path)
    assert client.get("/sql").status_code == 200
    assert privileges(db) == before


def test_the_sql_tab_says_which_grant_the_reader_lacks(db: Database, tmp_path: Path) -> None:
    with db.connection() as conn:
        conn.execute("REVOKE SELECT ON reader.posts FROM chorus_reader")
    client = client_for(db, tmp_path)
    page = client.get("/sql").text
    assert "GRANT SELECT ON ALL TABLES IN SCHEMA reader TO chorus_reader" in page
    token = csrf_token(client, "/sql")
    answer = client.post("/sql", data={"csrf_token": token, "action": "run", "sql": "SELECT 1"})
    assert answer.status_code == 503


def test_a_reader_role_that_can_read_the_tables_is_not_used(db: Database, admin_url: str,
                                                             tmp_path: Path) -> None:
    """sql_reader_role set to an application login by mistake: it could read console_users."""
    with temporary_role(admin_url, "wide", member_of="chorus_app") as role:
        client = client_for(db, tmp_path, sql_reader_role=role)
        page = client.get("/sql").text
    assert "can read tables outside the curated views" in page
    assert f"REVOKE chorus_app FROM {role}" in page
