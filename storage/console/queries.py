"""Saved queries of the console's SQL tab."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from psycopg import errors

from storage.database import Conn
from storage.rows import fetch_all, fetch_one, value


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


def list_saved(conn: Conn) -> list[SavedQuery]:
    return fetch_all(
        conn, SavedQuery,
        """SELECT id, name, sql, description, created_by, updated_at
           FROM saved_queries ORDER BY lower(name)""")


def get_saved(conn: Conn, query_id: int) -> SavedQuery | None:
    return fetch_one(
        conn, SavedQuery,
        """SELECT id, name, sql, description, created_by, updated_at
           FROM saved_queries WHERE id = %(id)s""", {"id": query_id})


def save_query(conn: Conn, name: str, sql: str, description: str,
               analyst: str) -> int:
    """Create the named query, or replace the text of the one with that name."""
    try:
        with conn.transaction():
            return value(
                conn, int,
                """INSERT INTO saved_queries (name, sql, description, created_by)
                   VALUES (%(name)s, %(sql)s, %(description)s, %(analyst)s)
                   ON CONFLICT (name) DO UPDATE SET sql = EXCLUDED.sql,
                       description = EXCLUDED.description, updated_at = now()
                   RETURNING id""",
                {"name": name.strip(), "sql": sql, "description": description,
                 "analyst": analyst})
    except errors.CheckViolation:
        raise SavedQueryError(
            "a saved query needs a name (up to 200 characters) and SQL (up to 20,000)") from None


def delete_saved(conn: Conn, query_id: int) -> bool:
    cur = conn.execute("DELETE FROM saved_queries WHERE id = %(id)s", {"id": query_id})
    return cur.rowcount == 1
