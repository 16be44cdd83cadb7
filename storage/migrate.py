"""Numbered, forward-only migrations, applied by one runner under an advisory lock.

A migration is never edited once applied and its number is never reused: the runner refuses
a database whose recorded history disagrees with the files, and says what to do. The one
exception is a known withdrawn migration (SUPERSEDED): its undo script runs, its record is
dropped, and the migration that now holds its number is applied like any other.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

import psycopg

from storage.database import Conn, Database
from storage.rows import fetch_all, value

_NAME = re.compile(r"^(?P<version>\d{3})_(?P<name>[a-z0-9_]+)\.sql$")
# Any stable 64-bit key; every migrating process takes the same one.
MIGRATION_LOCK_KEY = 0x43686F7275730001
# Applied somewhere, then withdrawn and the number reused: (number, sha256 of the file as it
# was) -> its name; migrations/superseded/ keeps the file and its undo script, NNN_name.undo.sql.
SUPERSEDED: dict[tuple[int, str], str] = {
    # Reverted in d21dc24; 060 reused by 060_convergence_inline_features (44d8ecc).
    (60, "b9eb588ef12122bdc1ab10185e24b3d147d39ad7c72feb02d22857b548f804b3"): "search_vector",
}


def migration_label(version: int, name: str) -> str:
    """How a migration is named in files and messages: 060_search_vector."""
    return f"{version:03d}_{name}"


class MigrationError(Exception):
    """A migration file or the recorded history is inconsistent."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    @property
    def label(self) -> str:
        return migration_label(self.version, self.name)


@dataclass(frozen=True)
class Applied:
    """One row of schema_migrations."""

    version: int
    name: str
    checksum: str

    @property
    def label(self) -> str:
        return migration_label(self.version, self.name)


def available() -> list[Migration]:
    found: dict[int, Migration] = {}
    for entry in resources.files("storage.migrations").iterdir():
        match = _NAME.match(entry.name)
        if not match:
            continue
        version = int(match["version"])
        if version in found:
            raise MigrationError(f"two migrations share number {version:03d}")
        found[version] = Migration(version, match["name"], entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def undo_of(record: Applied) -> Migration | None:
    """The undo script of a known withdrawn migration, or None if `record` is not one."""
    name = SUPERSEDED.get((record.version, record.checksum))
    if name is None or name != record.name:
        return None
    folder = resources.files("storage.migrations").joinpath("superseded")
    text = folder.joinpath(f"{record.label}.undo.sql").read_text(encoding="utf-8")
    return Migration(record.version, f"undo_{record.name}", text)


def _ensure_table(conn: Conn) -> None:
    # Checked first: CREATE TABLE IF NOT EXISTS needs CREATE on the schema even when the
    # table exists, which the application role does not have.
    if value(conn, bool, "SELECT to_regclass('schema_migrations') IS NOT NULL AS found"):
        return
    conn.execute(
        """CREATE TABLE IF NOT EXISTS schema_migrations (
               version integer PRIMARY KEY,
               name text NOT NULL,
               checksum text NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now())"""
    )


def _recorded(conn: Conn) -> dict[int, Applied]:
    rows = fetch_all(conn, Applied, "SELECT version, name, checksum FROM schema_migrations")
    return {r.version: r for r in rows}


def applied(db: Database) -> dict[int, tuple[str, str]]:
    with db.connect() as conn:
        _ensure_table(conn)
        recorded = _recorded(conn)
        conn.commit()
    return {v: (r.name, r.checksum) for v, r in recorded.items()}


def history_problem(record: Applied, files: dict[int, Migration]) -> str | None:
    """Why `record` (not a known withdrawn migration) disagrees with the files, or None."""
    current = files.get(record.version)
    if current is None:
        return (f"this database has migration {record.label} applied, which this version of "
                "Chorus does not have: it was migrated by a newer Chorus (run that version), or "
                "the file was removed from storage/migrations (restore it)")
    if current.name != record.name:
        forget = f"DELETE FROM schema_migrations WHERE version = {record.version}"  # noqa: S608 - advice
        return (f"number {record.version:03d} was applied to this database as {record.label}, "
                f"but that number now belongs to {current.label}: a withdrawn migration's number "
                "was reused, and this version of Chorus does not know how to undo it. Restore a "
                f"backup taken before {record.label}, or undo it by hand and then run "
                f"{forget}")
    if current.checksum != record.checksum:
        return (f"migration {record.label} changed after it was applied (recorded checksum "
                f"{record.checksum[:12]}, file {current.checksum[:12]}); add a new migration "
                "instead of editing it, and put the applied file back as it was")
    return None


def _plan(recorded: dict[int, Applied]) -> tuple[list[Migration], list[Migration]]:
    """(undo scripts to run, migrations to apply), or MigrationError before anything runs."""
    files = {m.version: m for m in available()}
    undos: list[Migration] = []
    problems: list[str] = []
    for record in sorted(recorded.values(), key=lambda r: r.version):
        undo = undo_of(record)
        if undo is not None:
            undos.append(undo)
        elif (problem := history_problem(record, files)) is not None:
            problems.append(problem)
    if problems:
        raise MigrationError("; ".join(problems))
    undone = {u.version for u in undos}
    pending = [m for v, m in sorted(files.items()) if v not in recorded or v in undone]
    return undos, pending


def _apply(conn: Conn, migration: Migration, record: str) -> None:
    """Run one migration and `record` it, in one transaction."""
    try:
        with conn.transaction():
            conn.execute(migration.sql)
            conn.execute(record, {"v": migration.version, "n": migration.name,
                                  "c": migration.checksum})
    except psycopg.errors.InsufficientPrivilege as exc:
        raise MigrationError(
            f"migration {migration.label} was not applied: {exc.diag.message_primary}. "
            f"Migrations change the schema and need the database's owner (role "
            f"{conn.info.user} is not, or lacks the privilege): run `chorus db migrate` with "
            "CHORUS_DATABASE_URL naming the owner; the application role chorus_app only uses "
            "the schema") from None


def migrate(db: Database, *, until: int | None = None) -> list[Migration]:
    """Apply every pending migration (up to number `until`), each in its own transaction;
    return those applied, undo scripts of withdrawn migrations included."""
    done: list[Migration] = []
    with db.connect(autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%(k)s)", {"k": MIGRATION_LOCK_KEY})
        try:
            _ensure_table(conn)
            undos, pending = _plan(_recorded(conn))
            for undo in undos:
                _apply(conn, undo, "DELETE FROM schema_migrations WHERE version = %(v)s")
                done.append(undo)
            for migration in pending:
                if until is not None and migration.version > until:
                    break
                _apply(conn, migration, "INSERT INTO schema_migrations (version, name, checksum) "
                                        "VALUES (%(v)s, %(n)s, %(c)s)")
                done.append(migration)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%(k)s)", {"k": MIGRATION_LOCK_KEY})
    return done


def status(db: Database) -> list[dict[str, object]]:
    """Every known migration with whether it is applied (a withdrawn one holding its number
    counts as pending: `chorus db migrate` undoes it and applies the file)."""
    recorded = {v: Applied(v, n, c) for v, (n, c) in applied(db).items()}
    rows: list[dict[str, object]] = []
    for m in available():
        record = recorded.get(m.version)
        withdrawn = record is not None and undo_of(record) is not None
        rows.append({
            "version": m.version,
            "name": m.name,
            "applied": record is not None and not withdrawn,
            "checksum_ok": record is None or withdrawn or record.checksum == m.checksum,
        })
    return rows
