"""Saved queries of the console's SQL tab."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import errors


class SavedQueryError(Exception):
    """A saved query was refused; the message says why."""


@dataclass(frozen=True)
class SavedQuery:
    id: int
    name: str
    sql: str
    description: str
    created_by: str
    updated_at: datetime


def _saved(row: dict[str, Any]) -> SavedQuery:
    return SavedQuery(int(row["id"]), str(row["name"]), str(row["sql"]),
                      str(row["description"]), str(row["created_by"]), row["updated_at"])


def list_saved(conn: psycopg.Connection[Any]) -> list[SavedQuery]:
    rows = conn.execute(
        """SELECT id, name, sql, description, created_by, updated_at
           FROM saved_queries ORDER BY lower(name)""").fetchall()
    return [_saved(r) for r in rows]


def get_saved(conn: psycopg.Connection[Any], query_id: int) -> SavedQuery | None:
    row = conn.execute(
        """SELECT id, name, sql, description, created_by, updated_at
           FROM saved_queries WHERE id = %(id)s""", {"id": query_id}).fetchone()
    return _saved(row) if row else None


def save_query(conn: psycopg.Connection[Any], name: str, sql: str, description: str,
               analyst: str) -> int:
    """Create the named query, or replace the text of the one with that name."""
    try:
        with conn.transaction():
            row = conn.execute(
                """INSERT INTO saved_queries (name, sql, description, created_by)
                   VALUES (%(name)s, %(sql)s, %(description)s, %(analyst)s)
                   ON CONFLICT (name) DO UPDATE SET sql = EXCLUDED.sql,
                       description = EXCLUDED.description, updated_at = now()
                   RETURNING id""",
                {"name": name.strip(), "sql": sql, "description": description,
                 "analyst": analyst},
            ).fetchone()
    except errors.CheckViolation:
        raise SavedQueryError(
            "a saved query needs a name (up to 200 characters) and SQL (up to 20,000)") from None
    return int(row["id"]) if row else 0


def delete_saved(conn: psycopg.Connection[Any], query_id: int) -> bool:
    cur = conn.execute("DELETE FROM saved_queries WHERE id = %(id)s", {"id": query_id})
    return cur.rowcount == 1
