"""One event for the console pages (candidates are decided through storage.convergence), and
the other events inside its report's window."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from storage.catalog import EventRow
from storage.database import Conn
from storage.rows import fetch_all, fetch_one


class NearbyEvent(TypedDict):
    id: int
    name: str
    occurred_at: datetime
    status: str


def get_event(conn: Conn, event_id: int) -> EventRow | None:
    return fetch_one(
        conn, EventRow,
        """SELECT id, name, occurred_at, description, source, status, detail, created_at
           FROM events WHERE id = %(id)s""", {"id": event_id})


def events_between(conn: Conn, event_id: int, since: datetime,
                   until: datetime) -> list[NearbyEvent]:
    """Confirmed and candidate events other than `event_id` in [since, until], by time
    (dismissed ones are left out: an analyst said they did not happen)."""
    return fetch_all(
        conn, NearbyEvent,
        """SELECT id, name, occurred_at, status FROM events
           WHERE id <> %(id)s AND status IN ('confirmed', 'candidate')
             AND occurred_at >= %(since)s AND occurred_at <= %(until)s
           ORDER BY occurred_at, id""", {"id": event_id, "since": since, "until": until})
