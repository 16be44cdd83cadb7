"""storage.planner: settings for one query, put back for the rest of the transaction."""

from __future__ import annotations

from storage.database import Conn, Database
from storage.planner import hashing_plans


def _settings(conn: Conn) -> dict[str, str]:
    row = conn.execute("SELECT current_setting('enable_sort') AS sort, "
                       "current_setting('enable_mergejoin') AS mergejoin").fetchone()
    assert row is not None
    return {str(k): str(v) for k, v in row.items()}


def test_hashing_plans_are_put_back(db: Database) -> None:
    with db.connection() as conn:
        conn.execute("SET LOCAL enable_mergejoin = off")  # the caller's own choice stays
        with hashing_plans(conn):
            assert _settings(conn) == {"sort": "off", "mergejoin": "off"}
        assert _settings(conn) == {"sort": "on", "mergejoin": "off"}
    with db.connection() as conn:  # nothing leaks into the next transaction
        assert _settings(conn) == {"sort": "on", "mergejoin": "on"}
