"""One event for the console pages (candidates are decided through storage.convergence)."""

from __future__ import annotations

from storage.catalog import EventRow
from storage.database import Conn
from storage.rows import fetch_one


def get_event(conn: Conn, event_id: int) -> EventRow | None:
    return fetch_one(
        conn, EventRow,
        """SELECT id, name, occurred_at, description, source, status, detail, created_at
           FROM events WHERE id = %(id)s""", {"id": event_id})
