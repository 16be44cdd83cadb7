"""Dashboard figures besides the convergence series: newest data, narratives, candidates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import psycopg


def newest_post_day(conn: psycopg.Connection[Any]) -> date | None:
    """The UTC day of the newest post: "today" for data that stopped arriving."""
    row = conn.execute("SELECT convergence_day(max(posted_at)) AS day FROM posts").fetchone()
    return row["day"] if row else None


def narrative_keys(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT key, names, threshold FROM narratives ORDER BY key").fetchall()


def candidate_events(conn: psycopg.Connection[Any], limit: int = 20) -> list[dict[str, Any]]:
    return conn.execute(
        """SELECT id, name, occurred_at, description, source, detail FROM events
           WHERE status = 'candidate' ORDER BY occurred_at DESC, id DESC LIMIT %(limit)s""",
        {"limit": limit},
    ).fetchall()


def server_time(conn: psycopg.Connection[Any]) -> datetime:
    row = conn.execute("SELECT now() AS now").fetchone()
    if row is None:  # pragma: no cover - SELECT now() always answers
        raise RuntimeError("the server did not answer SELECT now()")
    value: datetime = row["now"]
    return value
