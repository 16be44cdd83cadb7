"""Numbered, forward-only migrations, applied by one runner under an advisory lock."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import psycopg

from storage.database import Database

_NAME = re.compile(r"^(?P<version>\d{3})_(?P<name>[a-z0-9_]+)\.sql$")
# Any stable 64-bit key; every migrating process takes the same one.
MIGRATION_LOCK_KEY = 0x43686F7275730001


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


def _ensure_table(conn: psycopg.Connection[Any]) -> None:
    # Checked first: CREATE TABLE IF NOT EXISTS needs CREATE on the schema even when the
    # table exists, which the application role does not have.
    found = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL AS found").fetchone()
    if found is not None and found["found"]:
        return
    conn.execute(
        """CREATE TABLE IF NOT EXISTS schema_migrations (
               version integer PRIMARY KEY,
               name text NOT NULL,
               checksum text NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now())"""
    )


def applied(db: Database) -> dict[int, tuple[str, str]]:
    with db.connect() as conn:
        _ensure_table(conn)
        rows = conn.execute("SELECT version, name, checksum FROM schema_migrations").fetchall()
        conn.commit()
    return {int(r["version"]): (str(r["name"]), str(r["checksum"])) for r in rows}


def _apply(conn: psycopg.Connection[Any], migration: Migration, record: str) -> None:
    """Run one migration and `record` it, in one transaction."""
    try:
        with conn.transaction():
            conn.execute(migration.sql)
            conn.execute(record, {"v": migration.version, "n": migration.name,
                                  "c": migration.checksum})
    except psycopg.errors.InsufficientPrivilege as exc:
        raise MigrationError(
            f"migration {migration.version:03d}_{migration.name} was not applied: "
            f"{exc.diag.message_primary}. "
            f"Migrations change the schema and need the database's owner (role "
            f"{conn.info.user} is not, or lacks the privilege): run `chorus db migrate` with "
            "CHORUS_DATABASE_URL naming the owner; the application role chorus_app only uses "
            "the schema") from None


def migrate(db: Database) -> list[Migration]:
    """Apply every pending migration, each in its own transaction; return those applied."""
    done: list[Migration] = []
    with db.connect(autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%(k)s)", {"k": MIGRATION_LOCK_KEY})
        try:
            _ensure_table(conn)
            rows = conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
            recorded = {int(r["version"]): str(r["checksum"]) for r in rows}
            for migration in available():
                if migration.version in recorded:
                    if recorded[migration.version] != migration.checksum:
                        raise MigrationError(
                            f"migration {migration.version:03d}_{migration.name} changed after "
                            "it was applied; add a new migration instead of editing it"
                        )
                    continue
                _apply(conn, migration, "INSERT INTO schema_migrations (version, name, checksum) "
                                        "VALUES (%(v)s, %(n)s, %(c)s)")
                done.append(migration)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%(k)s)", {"k": MIGRATION_LOCK_KEY})
    return done


def status(db: Database) -> list[dict[str, object]]:
    """Every known migration with whether it is applied."""
    recorded = applied(db)
    return [
        {
            "version": m.version,
            "name": m.name,
            "applied": m.version in recorded,
            "checksum_ok": recorded.get(m.version, ("", m.checksum))[1] == m.checksum,
        }
        for m in available()
    ]
