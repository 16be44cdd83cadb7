"""The digests table: one row per date, the recorded message, and its delivery state.

The protocol that uses it (record, lock, send, mark) lives in monitor/digest/delivery.py.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

from storage.database import Conn, Database
from storage.jobs import DIGEST_LOCK_BASE, LockSession
from storage.rows import JsonObject, MissingRow, fetch_all, fetch_one, value, value_or_none

DONE = ("sent", "written")


@dataclass(frozen=True)
class DigestRecord:
    digest_date: date
    message_id: str
    status: str
    transport: str
    recipients: list[str]
    message: bytes | None
    path: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None

    @property
    def delivered(self) -> bool:
        return self.status in DONE


class DigestSummary(TypedDict):
    digest_date: date
    status: str
    transport: str
    message_id: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    path: str | None
    last_error: str | None


class _Day(TypedDict):
    digest_date: date


def get(conn: Conn, day: date) -> DigestRecord | None:
    return fetch_one(
        conn, DigestRecord,
        """SELECT digest_date, message_id, status, transport, recipients, message, path,
                  attempts, created_at, sent_at, last_error
           FROM digests WHERE digest_date = %(day)s""", {"day": day})


def record(
    conn: Conn, day: date, *, message_id: str, message: bytes,
    transport: str, recipients: list[str],
) -> DigestRecord:
    """Record the message for a date unless one is recorded already; return the one in force."""
    conn.execute(
        """INSERT INTO digests (digest_date, message_id, status, transport, recipients, message)
           VALUES (%(day)s, %(message_id)s, 'pending', %(transport)s, %(recipients)s::jsonb,
                   %(message)s)
           ON CONFLICT (digest_date) DO UPDATE
               SET message = EXCLUDED.message, message_id = EXCLUDED.message_id
               WHERE digests.message IS NULL""",
        {"day": day, "message_id": message_id, "transport": transport,
         "recipients": json.dumps(recipients), "message": message},
    )
    found = get(conn, day)
    if found is None:
        raise MissingRow(f"digest row for {day} vanished after it was recorded")
    return found


def note_attempt(conn: Conn, day: date) -> None:
    conn.execute(
        """UPDATE digests SET attempts = attempts + 1, last_attempt_at = now()
           WHERE digest_date = %(day)s""",
        {"day": day},
    )


def mark_delivered(
    conn: Conn, day: date, *, status: str, path: str | None = None,
    detail: JsonObject | None = None,
) -> None:
    if status not in DONE:
        raise ValueError(f"delivered status must be one of {DONE}, not {status!r}")
    conn.execute(
        """UPDATE digests SET status = %(status)s, sent_at = now(), path = %(path)s,
                  last_error = NULL, detail = detail || %(detail)s::jsonb
           WHERE digest_date = %(day)s""",
        {"day": day, "status": status, "path": path, "detail": json.dumps(detail or {})},
    )


def mark_failed(conn: Conn, day: date, error: str) -> None:
    """The last attempt failed; the row stays open for a retry."""
    conn.execute(
        """UPDATE digests SET status = 'failed', last_error = %(error)s
           WHERE digest_date = %(day)s AND status NOT IN ('sent', 'written')""",
        {"day": day, "error": error[:2000]},
    )


def recent(conn: Conn, limit: int = 7) -> list[DigestSummary]:
    return fetch_all(
        conn, DigestSummary,
        """SELECT digest_date, status, transport, message_id, attempts, created_at, sent_at,
                  path, last_error
           FROM digests ORDER BY digest_date DESC LIMIT %(limit)s""",
        {"limit": limit})


def lock_key(day: date) -> int:
    return DIGEST_LOCK_BASE + day.toordinal()


@contextlib.contextmanager
def delivery_lock(db: Database, day: date, holder: str) -> Iterator[bool]:
    """Hold the per-date delivery lock for the block; yields False if another process has it.

    The lock lives on its own connection, so it is released if this process dies mid-send.
    """
    session = LockSession(db, f"{holder} digest {day.isoformat()}")
    key = lock_key(day)
    try:
        got = session.try_lock(key)
        yield got
    finally:
        session.close()  # closing the session releases the lock


class ExampleRow(TypedDict):
    """A post quoted in a digest: original text and language, link, author."""

    id: int
    text: str
    lang: str | None
    url: str | None
    posted_at: datetime
    platform: str
    handle: str
    actor: str | None
    group: str | None


class EventRow(TypedDict):
    id: int
    name: str
    occurred_at: datetime
    description: str


def example_posts(conn: Conn, post_ids: list[int]) -> dict[int, ExampleRow]:
    """Posts quoted in a digest, by id."""
    rows = fetch_all(
        conn, ExampleRow,
        """SELECT p.id, p.text, p.lang, p.url, p.posted_at, p.platform, s.handle,
                  a.name AS actor, a.group_key AS "group"
           FROM posts p JOIN sources s ON s.id = p.source_id
           LEFT JOIN actors a ON a.id = s.actor_id
           WHERE p.id = ANY(%(ids)s)""",
        {"ids": post_ids})
    return {r["id"]: r for r in rows}


def posts_between(conn: Conn, since: datetime, until: datetime) -> int:
    return value(
        conn, int,
        "SELECT count(*) AS n FROM posts WHERE posted_at >= %(since)s AND posted_at < %(until)s",
        {"since": since, "until": until})


def events_between(conn: Conn, since: datetime, until: datetime,
                   status: str) -> list[EventRow]:
    return fetch_all(
        conn, EventRow,
        """SELECT id, name, occurred_at, description FROM events
           WHERE status = %(status)s AND occurred_at >= %(since)s AND occurred_at < %(until)s
           ORDER BY occurred_at, id""",
        {"status": status, "since": since, "until": until})


def latest_date(conn: Conn) -> date | None:
    return value_or_none(conn, date, "SELECT max(digest_date) AS day FROM digests")


def undelivered_since(conn: Conn, day: date) -> list[date]:
    """Dates from `day` on whose digest was recorded but not (yet) delivered."""
    rows = fetch_all(
        conn, _Day,
        """SELECT digest_date FROM digests
           WHERE digest_date >= %(day)s AND status NOT IN ('sent', 'written')
           ORDER BY digest_date""",
        {"day": day})
    return [r["digest_date"] for r in rows]
