"""storage/schema.sql: what the migrations add up to, in one file a newcomer can read.

Generated from a freshly migrated scratch database with pg_dump --schema-only --no-owner,
normalised so that PostgreSQL 15 and 16 and repeated runs give the same text. The
migrations stay the source; tests/test_schema_dump.py fails when this file is stale.

    python -m storage.schema_dump            # rewrite storage/schema.sql
    python -m storage.schema_dump --check    # exit 1 if it is out of date

The scratch database is created on the server of --admin-url (default:
CHORUS_TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres) and dropped.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import subprocess  # noqa: S404 - runs pg_dump, a fixed program with a list of arguments
import sys
import uuid
from pathlib import Path

import psycopg
from psycopg import conninfo, sql

from storage.database import Database, mask_url
from storage.migrate import migrate
from storage.pg_dump import PgDumpError, find_pg_dump

SCHEMA_FILE = Path(__file__).resolve().with_name("schema.sql")
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REGENERATE = "python -m storage.schema_dump"
HEADER = (
    "-- The Chorus schema: every table, index, view, function and grant that the migrations\n"
    "-- in storage/migrations/ add up to. Generated: do not edit; regenerate with\n"
    f"--     {REGENERATE}\n"
    "-- after adding a migration (tests/test_schema_dump.py checks that it is current).\n"
)
# Lines that name a server or client version, a session setting, a random key (\restrict,
# since pg_dump 15.14/16.10) or a per-run column stamp (pg_attver, set by some builds of the
# server): the rest of a dump is the schema itself.
_UNSTABLE = re.compile(
    r"^(?:-- Dumped (?:from database|by pg_dump) version .*|SET \w+ = .*;"
    r"|SELECT pg_catalog\.set_config\(.*\);|\\(?:un)?restrict \S+"
    r"|ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);)$")


_VIEW = re.compile(r"^CREATE VIEW .*?;$", re.MULTILINE | re.DOTALL)
_SOLE_RELATION = re.compile(r"\bFROM \w+\.(?P<table>\w+)(?: (?P<alias>\w+))?(?=\s|;)")


def _unqualify(view: re.Match[str]) -> str:
    """A view over one relation, without that relation's name before each column.

    PostgreSQL 16 prints such a view's columns bare, 15 qualifies them: written the 16 way.
    (A view with a join or a subquery is printed alike by both and is left as it is.)"""
    text = view.group(0)
    if len(re.findall(r"\bFROM\b", text)) != 1 or re.search(r"\bJOIN\b", text):
        return text
    sole = _SOLE_RELATION.search(text)
    if sole is None:
        return text
    prefix = sole["alias"] if sole["alias"] not in (None, "WHERE", "GROUP", "ORDER") else sole["table"]
    return re.sub(rf"(?<![\w.]){re.escape(prefix)}\.(?=\w)", "", text)


def normalise(dump: str, migrator: str) -> str:
    """The dump without version- and run-specific lines, views over one relation and
    default privileges written the PostgreSQL 16 way, the migrating role's name replaced by
    CURRENT_USER (default privileges name it), and single blank lines."""
    lines = [line.rstrip() for line in dump.splitlines() if not _UNSTABLE.match(line.rstrip())]
    text = _VIEW.sub(_unqualify, "\n".join(lines))
    text = text.replace(f"FOR ROLE {migrator} ", "FOR ROLE CURRENT_USER ")
    # pg_dump 15 leaves two spaces before TO in default privileges, 16 one.
    text = re.sub(r"^(ALTER DEFAULT PRIVILEGES .*?)  TO ", r"\1 TO ", text, flags=re.MULTILINE)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return HEADER + "\n" + text + "\n"


def dump_schema(url: str) -> str:
    """The normalised schema of the database at `url` (migrated by the URL's role)."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT current_setting('server_version_num')::int / 10000, "
                           "current_user").fetchone()
    if row is None:
        raise PgDumpError("the server did not say its version")
    major, user = int(row[0]), str(row[1])
    pg_dump = find_pg_dump(major)
    done = subprocess.run(  # noqa: S603
        [pg_dump, "--schema-only", "--no-owner", "--no-tablespaces", f"--dbname={url}"],
        capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise PgDumpError(f"{pg_dump} failed on {mask_url(url)}: {mask_url(reason)}")
    return normalise(done.stdout, user)


def fresh_schema(admin_url: str) -> str:
    """Migrate a scratch database on the admin URL's server, dump it, drop it."""
    name = f"chorus_schema_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = conninfo.make_conninfo(admin_url, dbname=name)
        db = Database(url, max_size=1)
        try:
            migrate(db)
        finally:
            db.close()
        return dump_schema(url)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


def difference(expected: str, actual: str, limit: int = 60) -> str:
    """The first `limit` lines of a unified diff, committed file first."""
    diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                "storage/schema.sql (committed)", "freshly migrated", lineterm="")
    return "\n".join(list(diff)[:limit])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=REGENERATE, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if storage/schema.sql is out of date; write nothing")
    parser.add_argument("--admin-url", default=os.environ.get("CHORUS_TEST_DATABASE_URL")
                        or DEFAULT_ADMIN_URL,
                        help="a server where a scratch database may be created")
    args = parser.parse_args(argv)
    try:
        schema = fresh_schema(args.admin_url)
    except (PgDumpError, psycopg.Error) as exc:
        print(f"schema_dump: {mask_url(str(exc).strip())}", file=sys.stderr)
        return 2
    current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    if args.check:
        if current == schema:
            return 0
        print(f"storage/schema.sql is out of date; run `{REGENERATE}`\n"
              f"{difference(current, schema)}", file=sys.stderr)
        return 1
    SCHEMA_FILE.write_text(schema, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
