"""Planner settings for one query, where the planner's costs mislead it and the difference
is measured. Set with set_config(..., is_local => true) and put back afterwards, so the rest
of the caller's transaction plans as before (outside a transaction they last one statement
and change nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from storage.database import Conn
from storage.rows import value

_HASHING = ["enable_sort", "enable_mergejoin"]


def _set(conn: Conn, settings: list[str]) -> None:
    conn.execute("SELECT set_config(n, s, true) FROM unnest(%(names)s::text[], "
                 "%(settings)s::text[]) AS u(n, s)", {"names": _HASHING, "settings": settings})


@contextmanager
def hashing_plans(conn: Conn) -> Iterator[None]:
    """Hash joins and hash aggregates instead of sorts: grouping and joining a few thousand
    rows on text keys by sorting them costs two to three times what hashing does, which the
    planner's estimates do not see (storage/network.py's citation edges: 57 ms against 19 to
    26 ms at 5,500,000 posts)."""
    before = value(conn, list, "SELECT array_agg(current_setting(n) ORDER BY o) "
                               "FROM unnest(%(names)s::text[]) WITH ORDINALITY AS u(n, o)",
                   {"names": _HASHING})
    _set(conn, ["off"] * len(_HASHING))
    try:
        yield
    finally:
        _set(conn, [str(s) for s in before])
