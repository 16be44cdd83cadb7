"""Dashboard figures besides the convergence series: newest data, narratives, candidates."""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

from storage.catalog import EventHead
from storage.database import Conn
from storage.rows import fetch_all, value, value_or_none


class NarrativeKey(TypedDict):
    key: str
    names: dict[str, str]  # language -> name
    threshold: float


def newest_post_day(conn: Conn) -> date | None:
    """The UTC day of the newest post: "today" for data that stopped arriving."""
    return value_or_none(conn, date, "SELECT convergence_day(max(posted_at)) AS day FROM posts")


def narrative_keys(conn: Conn) -> list[NarrativeKey]:
    return fetch_all(conn, NarrativeKey,
                     "SELECT key, names, threshold FROM narratives ORDER BY key")


def candidate_events(conn: Conn, limit: int = 20) -> list[EventHead]:
    return fetch_all(
        conn, EventHead,
        """SELECT id, name, occurred_at, description, source, detail FROM events
           WHERE status = 'candidate' ORDER BY occurred_at DESC, id DESC LIMIT %(limit)s""",
        {"limit": limit})


def server_time(conn: Conn) -> datetime:
    return value(conn, datetime, "SELECT now() AS now")
