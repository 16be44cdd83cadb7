"""Collector bookkeeping: the watchlist to collect, checkpoints, resolved ids, runs, budgets.

A checkpoint only moves in the same transaction that commits the posts it covers, so an
interrupted run can never skip a message: at worst it reads a page again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TypedDict

from collectors.records import PostRecord
from storage.database import Conn
from storage.posts import WriteCounts, write_posts
from storage.rows import JsonObject, fetch_all, value, value_or_none


@dataclass(frozen=True)
class WatchedSource:
    """A source on the watchlist with everything a collector needs to resume it."""

    id: int
    platform: str
    handle: str
    kind: str
    query: str | None
    platform_id: int | None
    access_hash: int | None
    checkpoint: str | None
    state: str
    rate_limited_until: datetime | None
    next_due_at: datetime | None  # None: never run
    resume: JsonObject | None = None
    rechecked_at: datetime | None = None  # the last re-read of the recent window


@dataclass
class RunRecord:
    """What one collection run of one source did, as the runs table keeps it."""

    status: str
    fetched: int = 0
    counts: WriteCounts = field(default_factory=WriteCounts)
    deleted: int = 0
    errors: int = 0
    error: str | None = None
    rate_limit: JsonObject = field(default_factory=dict)


# The watchlist is the sources an analyst chose (they have an actor, or were accepted or put
# on probation from the candidates: `discovered`) plus saved searches; sources created on the
# fly by imports or search results are stored, not collected.
_WATCHLIST = """
SELECT s.id, s.platform, s.handle, s.kind, s.query, s.platform_id, s.access_hash,
       cs.checkpoint, COALESCE(cs.state, 'never') AS state, cs.rate_limited_until,
       cs.last_run_at + make_interval(mins => COALESCE(s.interval_minutes,
                                                       %(default_interval)s)) AS next_due_at,
       cs.detail -> 'resume' AS resume,
       (cs.detail ->> 'rechecked_at')::timestamptz AS rechecked_at
FROM sources s
LEFT JOIN collector_state cs ON cs.source_id = s.id
WHERE s.active
  AND (s.actor_id IS NOT NULL OR s.kind = 'search' OR s.discovered IS NOT NULL)
  AND (%(include_illustrative)s OR NOT s.illustrative)
  AND (%(platform)s::text IS NULL OR s.platform = %(platform)s)
  AND (%(handle)s::text IS NULL OR lower(s.handle) = lower(%(handle)s))
  AND (%(shards)s::int = 0 OR source_shard(s.platform, s.handle, %(shards)s) = ANY (%(held)s))
ORDER BY s.platform, lower(s.handle)
"""


@dataclass(frozen=True)
class ShardSet:
    """Of `count` collection shards (source_shard(), migration 152), the ones `held`."""

    count: int
    held: frozenset[int]


def watchlist(
    conn: Conn,
    *,
    platform: str | None = None,
    handle: str | None = None,
    include_illustrative: bool = False,
    default_interval_minutes: int = 15,
    shards: ShardSet | None = None,
) -> list[WatchedSource]:
    """The sources to collect; with `shards`, only those of the shards this replica holds."""
    sources = fetch_all(
        conn, WatchedSource, _WATCHLIST,
        {"platform": platform, "handle": handle, "include_illustrative": include_illustrative,
         "default_interval": default_interval_minutes,
         "shards": shards.count if shards else 0, "held": sorted(shards.held) if shards else []})
    # A resume point is an object; anything else in the jsonb is no resume point.
    return [s if s.resume is None or isinstance(s.resume, dict) else replace(s, resume=None)
            for s in sources]


def save_resolved(
    conn: Conn, source_id: int, platform_id: int,
    access_hash: int | None = None,
) -> None:
    """Keep a resolved numeric id (and Telegram access hash) so it is never resolved again."""
    conn.execute(
        """UPDATE sources SET platform_id = %(platform_id)s,
               access_hash = COALESCE(%(access_hash)s, access_hash), updated_at = now()
           WHERE id = %(id)s""",
        {"id": source_id, "platform_id": platform_id, "access_hash": access_hash},
    )


def channel_handles(conn: Conn) -> dict[int, str]:
    """Resolved Telegram channel ids to handles: names forwards by their source channel."""
    rows = conn.execute(
        """SELECT platform_id, handle FROM sources
           WHERE platform = 'telegram' AND platform_id IS NOT NULL"""
    ).fetchall()
    return {int(r["platform_id"]): str(r["handle"]) for r in rows}


def start_run(
    conn: Conn, source_id: int, platform: str, started_at: datetime
) -> int:
    return value(
        conn, int,
        """INSERT INTO collection_runs (source_id, platform, started_at)
           VALUES (%(source_id)s, %(platform)s, %(started_at)s) RETURNING id""",
        {"source_id": source_id, "platform": platform, "started_at": started_at})


_ENSURE_STATE = """
INSERT INTO collector_state (source_id) VALUES (%(source_id)s) ON CONFLICT DO NOTHING
"""

# Checkpoints are numeric ids kept as text; they only ever move forward.
_ADVANCE = """
UPDATE collector_state SET
    checkpoint = CASE
        WHEN %(checkpoint)s::text IS NULL THEN checkpoint
        WHEN checkpoint IS NULL OR %(checkpoint)s::numeric > checkpoint::numeric
            THEN %(checkpoint)s
        ELSE checkpoint END,
    detail = CASE WHEN %(resume)s::jsonb IS NULL THEN detail - 'resume'
                  ELSE jsonb_set(detail, '{resume}', %(resume)s::jsonb) END,
    updated_at = now()
WHERE source_id = %(source_id)s
"""


def commit_page(
    conn: Conn,
    source_id: int,
    records: Sequence[PostRecord],
    *,
    checkpoint: str | None,
    resume: JsonObject | None,
    fetched_at: datetime,
) -> WriteCounts:
    """Write a page and move the checkpoint in one transaction: both happen or neither."""
    with conn.transaction():
        counts = write_posts(conn, records, fetched_at=fetched_at)
        conn.execute(_ENSURE_STATE, {"source_id": source_id})
        conn.execute(_ADVANCE, {"source_id": source_id, "checkpoint": checkpoint,
                                "resume": None if resume is None else json.dumps(resume)})
    return counts


def finish_run(
    conn: Conn, run_id: int, run: RunRecord, finished_at: datetime
) -> None:
    conn.execute(
        """UPDATE collection_runs SET finished_at = %(finished_at)s, status = %(status)s,
               fetched = %(fetched)s, inserted = %(inserted)s, updated = %(updated)s,
               unchanged = %(unchanged)s, deleted = %(deleted)s, errors = %(errors)s,
               error = %(error)s, rate_limit = %(rate_limit)s::jsonb
           WHERE id = %(id)s""",
        {"id": run_id, "finished_at": finished_at, "status": run.status,
         "fetched": run.fetched, "inserted": run.counts.inserted,
         "updated": run.counts.updated, "unchanged": run.counts.unchanged,
         "deleted": run.deleted, "errors": run.errors, "error": run.error,
         "rate_limit": json.dumps(run.rate_limit, default=str)},
    )


def set_state(
    conn: Conn,
    source_id: int,
    *,
    state: str,
    now: datetime,
    error: str | None = None,
    rate_limited_until: datetime | None = None,
    ran: bool = True,
) -> None:
    """Record how a source stands: 'ok' is a success; the others keep the last success time.

    `ran` is false when the source was not attempted (e.g. the platform stopped first), so
    that its schedule is not pushed back.
    """
    conn.execute(_ENSURE_STATE, {"source_id": source_id})
    conn.execute(
        """UPDATE collector_state SET state = %(state)s,
               last_run_at = CASE WHEN %(ran)s THEN %(now)s ELSE last_run_at END,
               last_success_at = CASE WHEN %(state)s = 'ok' THEN %(now)s
                                      ELSE last_success_at END,
               last_error_at = CASE WHEN %(state)s = 'ok' THEN last_error_at ELSE %(now)s END,
               last_error = CASE WHEN %(state)s = 'ok' THEN NULL ELSE %(error)s END,
               rate_limited_until = %(until)s,
               updated_at = now()
           WHERE source_id = %(source_id)s""",
        {"source_id": source_id, "state": state, "now": now, "error": error,
         "until": rate_limited_until, "ran": ran},
    )


@dataclass(frozen=True)
class RecentPost:
    native_id: str
    current_id: str  # the id to ask the platform for (an edited tweet has a newer one)


def recent_posts(
    conn: Conn, source_id: int, since: datetime
) -> list[RecentPost]:
    """Posts of a source inside the re-check window that are not known to be deleted."""
    rows = conn.execute(
        """SELECT native_id, COALESCE(raw #>> '{tweet,id}', native_id) AS current_id
           FROM posts
           WHERE source_id = %(source_id)s AND posted_at >= %(since)s
             AND deleted_seen_at IS NULL
           ORDER BY posted_at, native_id""",
        {"source_id": source_id, "since": since},
    ).fetchall()
    return [RecentPost(str(r["native_id"]), str(r["current_id"])) for r in rows]


def mark_gone(
    conn: Conn, source_id: int, native_ids: Iterable[str], seen_at: datetime
) -> int:
    """A re-check found these posts gone; returns how many were newly marked."""
    cur = conn.execute(
        """UPDATE posts SET deleted_seen_at = %(seen_at)s
           WHERE source_id = %(source_id)s AND native_id = ANY(%(ids)s)
             AND deleted_seen_at IS NULL""",
        {"source_id": source_id, "ids": list(native_ids), "seen_at": seen_at},
    )
    return cur.rowcount


def month_start(moment: datetime) -> date:
    return date(moment.year, moment.month, 1)


def x_reads_used(conn: Conn, month: date) -> int:
    used = value_or_none(
        conn, int, "SELECT reads FROM x_read_budget WHERE month = %(month)s", {"month": month})
    return used or 0


def add_x_reads(conn: Conn, month: date, reads: int) -> int:
    """Count posts read this month; returns the month's total."""
    return value(
        conn, int,
        """INSERT INTO x_read_budget (month, reads) VALUES (%(month)s, %(reads)s)
           ON CONFLICT (month) DO UPDATE SET reads = x_read_budget.reads + EXCLUDED.reads,
               updated_at = now()
           RETURNING reads""",
        {"month": month, "reads": reads})


class RunRow(TypedDict):
    id: int
    platform: str
    handle: str | None  # None once the source is gone
    started_at: datetime
    finished_at: datetime | None
    status: str
    fetched: int
    inserted: int
    updated: int
    unchanged: int
    deleted: int
    errors: int
    error: str | None
    rate_limit: JsonObject


def latest_runs(conn: Conn, *, platform: str | None = None, limit: int = 100) -> list[RunRow]:
    """The most recent runs, newest first, with their source handle (console, digest)."""
    return fetch_all(
        conn, RunRow,
        """SELECT r.id, r.platform, s.handle, r.started_at, r.finished_at, r.status,
                  r.fetched, r.inserted, r.updated, r.unchanged, r.deleted, r.errors,
                  r.error, r.rate_limit
           FROM collection_runs r LEFT JOIN sources s ON s.id = r.source_id
           WHERE %(platform)s::text IS NULL OR r.platform = %(platform)s
           ORDER BY r.started_at DESC, r.id DESC LIMIT %(limit)s""",
        {"platform": platform, "limit": limit})


def apply_recheck(
    conn: Conn,
    source_id: int,
    records: Sequence[PostRecord],
    missing: Iterable[str],
    *,
    seen_at: datetime,
) -> tuple[WriteCounts, int]:
    """Store what a re-check found (changed texts become versions; gone posts are marked)."""
    with conn.transaction():
        counts = write_posts(conn, records, fetched_at=seen_at)
        deleted = mark_gone(conn, source_id, missing, seen_at)
        conn.execute(_ENSURE_STATE, {"source_id": source_id})
        conn.execute(
            """UPDATE collector_state
               SET detail = jsonb_set(detail, '{rechecked_at}', to_jsonb(%(at)s::timestamptz))
               WHERE source_id = %(source_id)s""",
            {"source_id": source_id, "at": seen_at})
    return counts, deleted
