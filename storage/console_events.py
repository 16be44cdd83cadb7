"""One event for the console pages (candidates are decided through storage.convergence)."""

from __future__ import annotations

from typing import Any

import psycopg


def get_event(conn: psycopg.Connection[Any], event_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = conn.execute(
        """SELECT id, name, occurred_at, description, source, status, detail, created_at
           FROM events WHERE id = %(id)s""", {"id": event_id}).fetchone()
    return row
