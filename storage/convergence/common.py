"""Shared pieces of the convergence measures: the error type, the time window, validation."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, LiteralString

from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from storage.database import Conn

# Fixed adoption windows of DESIGN §4, in hours after T0.
ADOPTION_WINDOWS: tuple[int, ...] = (1, 6, 24, 72)
# Near-identical texts: word-bigram Jaccard similarity at least this, posted within this.
COPY_SIMILARITY = 0.6
COPY_WITHIN = timedelta(hours=1)
# Settings for the analysis queries only (restored afterwards): JIT compilation costs
# seconds on queries that run in milliseconds; the phrase and copy aggregates should stay
# in memory rather than spill to disk; and the planner, which cannot estimate rows coming
# out of unnested arrays, otherwise sorts tens of thousands of them for merge joins where
# hash joins are several times faster.
ANALYSIS_SETTINGS: dict[str, str] = {
    "jit": "off", "work_mem": "64MB", "enable_mergejoin": "off",
}


class ConvergenceError(Exception):
    """A convergence request that cannot be answered; the message names what and why."""


@dataclass(frozen=True)
class Window:
    """The time frame of one report, all in UTC.

    Adoption counts posts in [t0, post_end] (both ends included); pre-positioning searches
    [pre_start, t0). For a period report t0 is the period start and pre_start == t0.
    """

    t0: datetime
    pre_start: datetime
    post_end: datetime

    def params(self) -> dict[str, Any]:
        return {"t0": self.t0, "pre_start": self.pre_start, "post_end": self.post_end}


def utc(value: datetime, what: str) -> datetime:
    """A time as UTC; a time without an offset is refused rather than guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ConvergenceError(f"{what} {value.isoformat()} has no UTC offset")
    return value.astimezone(UTC)


def utc_day(value: date | datetime, what: str) -> date:
    """The UTC calendar day of a date or an aware time."""
    if isinstance(value, datetime):
        return utc(value, what).date()
    return value


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z (seconds precision), as in every convergence JSON."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_narratives(conn: Conn, keys: list[str] | None) -> list[str]:
    """The narrative keys a request covers (all when keys is None); unknown keys are errors."""
    known = [str(r["key"]) for r in fetch(conn, "SELECT key FROM narratives ORDER BY key", {})]
    if keys is None:
        return known
    unknown = sorted(set(keys) - set(known))
    if unknown:
        raise ConvergenceError(
            f"unknown narrative {', '.join(unknown)}; known: {', '.join(known) or 'none loaded'}"
        )
    return [k for k in known if k in keys]


def fetch(
    conn: Conn, query: LiteralString, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """Rows as dicts whatever the connection's row factory."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return cur.fetchall()


@contextlib.contextmanager
def analysis_settings(conn: Conn) -> Iterator[None]:
    """ANALYSIS_SETTINGS for the block, then the caller's values again.

    Session-level, so it also works on autocommit connections; a transaction that fails
    inside the block undoes the change itself when it is rolled back.
    """
    names = list(ANALYSIS_SETTINGS)
    rows = fetch(conn, "SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%(n)s)",
                 {"n": names})
    saved = {r["name"]: _with_unit(r["setting"], r["unit"]) for r in rows}
    _apply(conn, ANALYSIS_SETTINGS)
    try:
        yield
    finally:
        if conn.info.transaction_status != TransactionStatus.INERROR and not conn.closed:
            _apply(conn, saved)


def _with_unit(setting: str, unit: str | None) -> str:
    # work_mem is reported as a number of kB blocks with unit 'kB'.
    return f"{setting}{unit}" if unit and setting.isdigit() else setting


def _apply(conn: Conn, values: dict[str, str]) -> None:
    # SET with a quoted identifier and literal: nothing from outside is spliced into SQL.
    for name, value in values.items():
        conn.execute(sql.SQL("SET {} = {}").format(sql.Identifier(name), sql.Literal(value)))
