"""The database tests run on both servers users get: the distribution's PostgreSQL (15 here)
and the embedded pgserver PostgreSQL 16 that `make demo` runs (`make test` runs every
database-marked test a second time with CHORUS_TEST_SERVER=embedded)."""

from __future__ import annotations

import os

from storage.database import Database


def test_the_suite_runs_on_the_server_it_was_asked_for(db: Database) -> None:
    with db.connection() as conn:
        row = conn.execute("SELECT current_setting('server_version_num')::int AS v").fetchone()
    assert row is not None
    version = int(row["v"])
    assert version >= 150000
    if os.environ.get("CHORUS_TEST_SERVER") == "embedded":
        assert version // 10000 == 16, version  # the pgserver wheel's PostgreSQL
