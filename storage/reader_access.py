"""What the SQL tab's reader role may do here, checked (never changed) when the console starts.

Grants belong to migrations (051, 070) and to the operator; a console that granted or revoked
privileges as it started would need to own the database, and would undo an operator's
choices. This module only reads the catalogue and says what is missing, and what the reader
holds but should not, each with the SQL an operator runs.
"""

from __future__ import annotations

from typing import TypedDict

from storage.database import Conn
from storage.readonly import ReaderUnavailable
from storage.rows import fetch_row, value_or_none


class _Facts(TypedDict):
    db: str
    can_connect: bool
    can_temp: bool
    can_use_reader: bool
    can_lock: bool
    unreadable_views: list[str]
    readable_tables: list[str]
    dblink_functions: list[str]


_CHECK = """
SELECT current_database() AS db,
       has_database_privilege(%(role)s, current_database(), 'CONNECT') AS can_connect,
       has_database_privilege(%(role)s, current_database(), 'TEMPORARY') AS can_temp,
       has_schema_privilege(%(role)s, 'reader', 'USAGE') AS can_use_reader,
       has_function_privilege(%(role)s, 'pg_catalog.pg_advisory_lock(bigint)', 'EXECUTE')
           AS can_lock,
       ARRAY(SELECT c.relname::text FROM pg_class c
             WHERE c.relnamespace = 'reader'::regnamespace AND c.relkind IN ('v', 'r', 'm')
               AND NOT has_table_privilege(%(role)s, c.oid, 'SELECT')
             ORDER BY 1) AS unreadable_views,
       ARRAY(SELECT c.relname::text FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'r', 'm', 'p')
               AND has_table_privilege(%(role)s, c.oid, 'SELECT')
             ORDER BY 1) AS readable_tables,
       ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
             JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
             JOIN pg_extension e ON e.oid = d.refobjid AND d.deptype = 'e'
             WHERE e.extname = 'dblink' AND has_function_privilege(%(role)s, p.oid, 'EXECUTE')
             ORDER BY 1) AS dblink_functions
"""


def check_reader_access(conn: Conn, role: str) -> list[str]:
    """Raise ReaderUnavailable when the SQL tab cannot work or would not be safe as `role`;
    otherwise return warnings (privileges it should not hold), each with the fix."""
    found = value_or_none(conn, int, "SELECT 1 FROM pg_roles WHERE rolname = %(role)s",
                          {"role": role})
    if found is None:
        raise ReaderUnavailable(
            f"role {role} does not exist; an operator creates it with "
            f"`CREATE ROLE {role} LOGIN` and runs `chorus db migrate` again")
    facts = fetch_row(conn, _Facts, _CHECK, {"role": role})
    db = facts["db"]
    if facts["readable_tables"]:
        raise ReaderUnavailable(
            f"role {role} can read tables outside the curated views ("
            f"{', '.join(facts['readable_tables'][:5])}"
            f"{', ...' if len(facts['readable_tables']) > 5 else ''}), console_users' password "
            f"hashes among them, so the SQL tab is off: it must be a role of its own, not a "
            f"member of chorus_app nor a superuser. An operator runs: REVOKE chorus_app FROM "
            f"{role}; or sets sql_reader_role to a role holding only chorus_reader's grants")
    missing = []
    if not facts["can_connect"]:
        missing.append(f'GRANT CONNECT ON DATABASE "{db}" TO {role};')
    if not facts["can_use_reader"]:
        missing.append(f"GRANT USAGE ON SCHEMA reader TO {role};")
    if facts["unreadable_views"]:
        missing.append(f"GRANT SELECT ON ALL TABLES IN SCHEMA reader TO {role};")
    if missing:
        raise ReaderUnavailable(
            f"role {role} lacks privileges the SQL tab needs; an operator runs: "
            + " ".join(missing))
    return _warnings(facts, role)


def _warnings(facts: _Facts, role: str) -> list[str]:
    db = facts["db"]
    warnings = []
    if facts["can_temp"]:
        warnings.append(
            f"role {role} may create temporary tables in {db} (a database copied from a "
            f"template loses migration 070's setting); the owner runs: REVOKE TEMPORARY ON "
            f'DATABASE "{db}" FROM PUBLIC; GRANT TEMPORARY ON DATABASE "{db}" TO chorus_app;')
    if facts["can_lock"]:
        warnings.append(
            f"role {role} may take advisory locks, and could hold the daemon's for a query's "
            "length; a superuser runs, for each pg_catalog.pg_advisory_* and "
            "pg_try_advisory_* function: REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC; GRANT "
            "EXECUTE ON FUNCTION ... TO pg_database_owner, chorus_app;")
    if facts["dblink_functions"]:
        functions = ", ".join(facts["dblink_functions"][:3])
        warnings.append(
            f"role {role} may call dblink ({functions}, ...); the owner runs REVOKE EXECUTE "
            "ON FUNCTION ... FROM PUBLIC for each dblink function")
    return warnings
