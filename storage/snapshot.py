"""Two connections reading one snapshot, so independent parts of a report can run at once.

The lead connection exports its snapshot (pg_export_snapshot) and keeps its transaction
open; a helper connection imports it in a REPEATABLE READ, READ ONLY transaction and so
sees exactly the rows the lead saw at that moment (what pg_dump does for parallel dumps).
The lead's own later statements see the data as of each statement under its isolation
level (READ COMMITTED by default), never older than the helper's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus

from storage.database import Conn
from storage.rows import value


@contextmanager
def exported_snapshot(conn: Conn) -> Iterator[str]:
    """The id of conn's current snapshot, valid while the block runs.

    An autocommit connection gets a transaction for the block; otherwise the snapshot
    belongs to conn's current (or newly begun) transaction, which must not be inside a
    savepoint (PostgreSQL exports no snapshot from a subtransaction).
    """
    if conn.autocommit:
        with conn.transaction():
            yield _export(conn)
    else:
        yield _export(conn)


@contextmanager
def following_snapshot(
    helper: Conn, snapshot: str, settings: Mapping[str, str] | None = None
) -> Iterator[None]:
    """Run the block on helper inside the exported snapshot (helper must be idle), with
    `settings` (name -> value) for this transaction only (SET LOCAL)."""
    if helper.info.transaction_status != TransactionStatus.IDLE:
        raise psycopg.ProgrammingError("the helper connection must be idle")
    with helper.transaction():
        with helper.pipeline():  # one round trip for the whole set-up
            helper.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            helper.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
            for name, setting in (settings or {}).items():
                helper.execute(sql.SQL("SET LOCAL {} = {}").format(sql.Identifier(name),
                                                                   sql.Literal(setting)))
        yield


def _export(conn: Conn) -> str:
    return value(conn, str, "SELECT pg_export_snapshot() AS snapshot")

