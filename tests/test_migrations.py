from __future__ import annotations

import threading

import psycopg
import pytest

from storage.database import Database
from storage.migrate import MigrationError, available, migrate, status
from tests.conftest import create_database, drop_database
from tests.roles import as_role, temporary_role


@pytest.fixture
def empty_db(admin_url: str):
    import uuid

    name = f"chorus_empty_{uuid.uuid4().hex[:10]}"
    db = Database(create_database(admin_url, name))
    yield db
    db.close()
    drop_database(admin_url, name)


def test_fresh_install_runs_every_migration_and_rerun_adds_nothing(empty_db: Database) -> None:
    applied = migrate(empty_db)
    assert [m.version for m in applied] == [m.version for m in available()]
    assert migrate(empty_db) == []
    assert all(row["applied"] and row["checksum_ok"] for row in status(empty_db))
    with empty_db.connection() as conn:
        tables = {r["table_name"] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
    for table in ("actors", "sources", "posts", "post_versions", "narratives", "tags", "labels",
                  "events", "collector_state", "collection_runs", "job_runs", "digests",
                  "schema_migrations"):
        assert table in tables


def test_concurrent_migrations_apply_once(empty_db: Database) -> None:
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(len(migrate(Database(empty_db.url))))
        except psycopg.Error as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [0, 0, len(available())]


def test_an_edited_migration_is_refused(empty_db: Database) -> None:
    migrate(empty_db)
    with empty_db.connection() as conn:
        conn.execute("UPDATE schema_migrations SET checksum = 'x' WHERE version = 1")
    with pytest.raises(MigrationError, match="changed after it was applied"):
        migrate(empty_db)


def test_timestamps_are_timestamptz(db: Database) -> None:
    with db.connection() as conn:
        bad = conn.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = 'public' AND data_type = 'timestamp without time zone'"""
        ).fetchall()
    assert bad == []


def test_the_application_role_reads_the_history_without_creating_anything(
        db: Database, admin_url: str) -> None:
    """`chorus console` and `chorus sources sync` read the history as chorus_app, which may
    not CREATE in schema public (CREATE TABLE IF NOT EXISTS needs it even when it exists)."""
    with temporary_role(admin_url, "status", member_of="chorus_app") as role:
        app = Database(as_role(db.url, role), max_size=1)
        try:
            assert all(row["applied"] for row in status(app))
            assert migrate(app) == []
        finally:
            app.close()


def test_the_application_role_may_not_migrate_and_is_told_who_may(
        empty_db: Database, admin_url: str) -> None:
    migrate(empty_db)  # 070 makes chorus_app; then a new migration is pending
    with empty_db.connection() as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = 70")
    with temporary_role(admin_url, "mig", member_of="chorus_app") as role:
        app = Database(as_role(empty_db.url, role), max_size=1)
        try:
            with pytest.raises(MigrationError,
                               match="070_application_role was not applied: .*owner"):
                migrate(app)
        finally:
            app.close()
