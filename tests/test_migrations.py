from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

import storage.migrations as migrations_package
from monitor.cli import cli
from storage.database import Database
from storage.migrate import SUPERSEDED, MigrationError, applied, available, migrate, status
from storage.schema_dump import SCHEMA_FILE, dump_schema
from tests.conftest import create_database, drop_database
from tests.roles import as_role, temporary_role
from tests.secrets_support import empty_secrets_file


@pytest.fixture
def empty_db(admin_url: str) -> Iterator[Database]:
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


# --- history: a withdrawn migration whose number was reused ----------------------------

SUPERSEDED_DIR = Path(migrations_package.__file__).resolve().parent / "superseded"
WITHDRAWN_060 = SUPERSEDED_DIR / "060_search_vector.sql"
# The file as commit 20c0ec3 added it (`git show 20c0ec3:storage/migrations/060_search_vector.sql`).
WITHDRAWN_060_SHA256 = "b9eb588ef12122bdc1ab10185e24b3d147d39ad7c72feb02d22857b548f804b3"


def apply_withdrawn_060(db: Database) -> None:
    """The state of a database migrated while the reverted search-vector experiment was in."""
    migrate(db, until=52)
    text = WITHDRAWN_060.read_text(encoding="utf-8")
    with db.connection() as conn:
        conn.execute(text)
        conn.execute("INSERT INTO schema_migrations (version, name, checksum) "
                     "VALUES (60, 'search_vector', %(c)s)",
                     {"c": hashlib.sha256(text.encode()).hexdigest()})
        conn.execute("INSERT INTO actors (name, group_key) VALUES ('A', 'g')")
        conn.execute("INSERT INTO sources (platform, handle, actor_id) "
                     "SELECT 'telegram', 'chan', id FROM actors")
        conn.execute(
            """INSERT INTO posts (platform, source_id, native_id, posted_at, text,
                                  normalized_text, content_hash, norm_hash)
               SELECT 'telegram', id, '1', now(), 'drone attack', 'drone attack', '\\x00',
                      '\\x00' FROM sources""")


def test_the_withdrawn_060_is_kept_as_it_was_applied() -> None:
    text = WITHDRAWN_060.read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode()).hexdigest() == WITHDRAWN_060_SHA256
    assert (60, WITHDRAWN_060_SHA256) in SUPERSEDED


def test_a_database_that_applied_the_withdrawn_060_migrates_to_the_current_schema(
        empty_db: Database, tmp_path: Path) -> None:
    apply_withdrawn_060(empty_db)
    sixty = next(r for r in status(empty_db) if r["version"] == 60)
    assert sixty["applied"] is False and sixty["checksum_ok"] is True  # pending, not broken
    result = CliRunner().invoke(cli, ["db", "migrate"], env={
        "CHORUS_DATABASE_URL": empty_db.url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "applied 060_undo_search_vector" in result.stdout
    assert "applied 060_convergence_inline_features" in result.stdout
    assert all(row["applied"] and row["checksum_ok"] for row in status(empty_db))
    # The same schema as a fresh install, and the post is found again through its generated
    # search vector (the experiment's triggers and functions are gone).
    assert dump_schema(empty_db.url) == SCHEMA_FILE.read_text(encoding="utf-8")
    with empty_db.connection() as conn:
        found = conn.execute("SELECT count(*) AS n FROM posts "
                             "WHERE search @@ to_tsquery('simple', 'drone')").fetchone()
    assert found is not None and found["n"] == 1


def test_an_unknown_migration_under_a_reused_number_is_refused_with_what_to_do(
        empty_db: Database) -> None:
    migrate(empty_db, until=52)
    with empty_db.connection() as conn:
        conn.execute("INSERT INTO schema_migrations (version, name, checksum) "
                     "VALUES (60, 'something_else', 'abc')")
    with pytest.raises(MigrationError) as refused:
        migrate(empty_db)
    message = str(refused.value)
    assert "060_something_else" in message and "060_convergence_inline_features" in message
    assert "reused" in message and "DELETE FROM schema_migrations WHERE version = 60" in message
    # Refused before anything ran: 070 was not applied either.
    assert 70 not in applied(empty_db)


def test_a_migration_this_version_does_not_have_is_refused(empty_db: Database) -> None:
    migrate(empty_db)
    with empty_db.connection() as conn:
        conn.execute("INSERT INTO schema_migrations (version, name, checksum) "
                     "VALUES (999, 'from_the_future', 'abc')")
    with pytest.raises(MigrationError, match="999_from_the_future .*newer Chorus"):
        migrate(empty_db)


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
