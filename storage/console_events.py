"""Events as the console changes them: an analyst confirms or dismisses a candidate."""

from __future__ import annotations

from typing import Any

import psycopg

EVENT_STATUSES = ("confirmed", "candidate", "dismissed")


def set_event_status(conn: psycopg.Connection[Any], event_id: int, status: str) -> bool:
    if status not in EVENT_STATUSES:
        raise ValueError(f"unknown event status {status!r}")
    cur = conn.execute("UPDATE events SET status = %(status)s WHERE id = %(id)s",
                       {"status": status, "id": event_id})
    return cur.rowcount == 1


def get_event(conn: psycopg.Connection[Any], event_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = conn.execute(
        """SELECT id, name, occurred_at, description, source, status, detail, created_at
           FROM events WHERE id = %(id)s""", {"id": event_id}).fetchone()
    return row
