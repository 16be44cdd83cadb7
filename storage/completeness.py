"""Completeness (migration 121): Telegram id gaps and X reported-versus-stored counts, per
source and day, and the summaries `chorus status`, the sources page, the digest and the
health alert rules read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypedDict

from storage.database import Conn
from storage.rows import fetch_all


@dataclass(frozen=True)
class GapRecord:
    """A gap as recorded: how many of its ids the re-fetch brought back, how many stay."""

    after_id: int
    before_id: int
    day: date
    missing: int
    recovered: int
    refetched: bool


class DayCompleteness(TypedDict):
    """One source's day: possible missing posts (Telegram gaps that stayed), posts a
    re-fetch recovered, and (X) tweets the API reported beside those stored."""

    source_id: int
    platform: str
    handle: str
    day: date
    gaps: int
    possible_missing: int
    recovered: int
    reported: int | None
    stored: int | None


def record_gaps(conn: Conn, source_id: int, gaps: Sequence[GapRecord],
                found_at: datetime) -> None:
    """Record each gap once (a gap seen again keeps its first record)."""
    for gap in gaps:
        conn.execute(
            """INSERT INTO collection_gaps (source_id, day, after_id, before_id, missing,
                                            recovered, found_at, refetched_at)
               VALUES (%(source_id)s, %(day)s, %(after_id)s, %(before_id)s, %(missing)s,
                       %(recovered)s, %(found_at)s,
                       CASE WHEN %(refetched)s THEN %(found_at)s::timestamptz END)
               ON CONFLICT (source_id, after_id, before_id) DO NOTHING""",
            {"source_id": source_id, "day": gap.day, "after_id": gap.after_id,
             "before_id": gap.before_id, "missing": gap.missing, "recovered": gap.recovered,
             "found_at": found_at, "refetched": gap.refetched})


def add_counts(conn: Conn, source_id: int, day: date, *, reported: int, stored: int) -> None:
    """Add a page's reported and stored tweet counts to the source's day."""
    conn.execute(
        """INSERT INTO collection_counts (source_id, day, reported, stored)
           VALUES (%(source_id)s, %(day)s, %(reported)s, %(stored)s)
           ON CONFLICT (source_id, day) DO UPDATE
               SET reported = collection_counts.reported + EXCLUDED.reported,
                   stored = collection_counts.stored + EXCLUDED.stored""",
        {"source_id": source_id, "day": day, "reported": reported, "stored": stored})


# Days with anything to say: a gap (recovered or not) or a count where X reported more than
# was stored.
_DAYS = """
WITH g AS (
    SELECT source_id, day, count(*) AS gaps, sum(missing) AS possible_missing,
           sum(recovered) AS recovered
    FROM collection_gaps WHERE day >= %(since)s AND day <= %(until)s
    GROUP BY source_id, day
), c AS (
    SELECT source_id, day, reported, stored FROM collection_counts
    WHERE day >= %(since)s AND day <= %(until)s AND reported <> stored
)
SELECT s.id AS source_id, s.platform, s.handle, coalesce(g.day, c.day) AS day,
       coalesce(g.gaps, 0)::int AS gaps, coalesce(g.possible_missing, 0)::int AS possible_missing,
       coalesce(g.recovered, 0)::int AS recovered, c.reported, c.stored
FROM g FULL JOIN c ON c.source_id = g.source_id AND c.day = g.day
JOIN sources s ON s.id = coalesce(g.source_id, c.source_id)
ORDER BY 4 DESC, s.platform, lower(s.handle)
"""


def days(conn: Conn, since: date, until: date) -> list[DayCompleteness]:
    """Each source's days in [since, until] with possible missing posts or a count gap."""
    return fetch_all(conn, DayCompleteness, _DAYS, {"since": since, "until": until})


def unseen(row: DayCompleteness) -> int:
    """Posts the day may lack: gap ids that stayed missing, plus tweets reported not stored."""
    short = (row["reported"] or 0) - (row["stored"] or 0)
    return row["possible_missing"] + max(short, 0)


def by_source(conn: Conn, since: date, until: date) -> dict[int, int]:
    """Source id -> posts possibly missing over the days (for status and the sources page)."""
    out: dict[int, int] = {}
    for row in days(conn, since, until):
        out[row["source_id"]] = out.get(row["source_id"], 0) + unseen(row)
    return out
