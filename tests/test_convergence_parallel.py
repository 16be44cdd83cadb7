"""The event report with helper connections: same answer, one snapshot for every part."""

from __future__ import annotations

import psycopg
import pytest

from storage.convergence.report import event_report, period_report
from storage.database import Database
from storage.snapshot import exported_snapshot, following_snapshot
from tests.factories import at
from tests.test_convergence_copies import copies_event  # noqa: F401 - the fixture


@pytest.mark.parametrize("count", [1, 2])
def test_helpers_give_the_same_report(db: Database, copies_event: int, count: int) -> None:  # noqa: F811
    with db.connection() as conn:
        alone = event_report(conn, copies_event)
    with db.connection() as conn, db.spare_connections(count) as helpers:
        assert len(helpers) == count
        shared = event_report(conn, copies_event, helpers=helpers)
    assert shared == alone
    # The parts the helpers compute are really there (not an empty agreement).
    false_flag = next(n for n in shared["narratives"] if n["narrative"] == "false_flag")
    assert len(false_flag["coordinated_copies"]) == 3
    third_party = next(n for n in shared["narratives"] if n["narrative"] == "third_party")
    assert third_party["shared_phrases"]


def test_helpers_on_autocommit_connections_and_period(db: Database, copies_event: int) -> None:  # noqa: F811
    since, until = at("2021-11-06T23:30:00Z"), at("2021-11-08T23:30:00Z")
    with db.connect(autocommit=True) as conn, db.connect(autocommit=True) as helper:
        alone = period_report(conn, since, until)
        shared = period_report(conn, since, until, helpers=[helper])
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert helper.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert shared == alone


def test_spare_connections_never_wait_for_a_busy_pool(db: Database) -> None:
    with Database(db.url, max_size=2) as small, small.connection() as held:
        assert held is not None
        with small.spare_connections(3, wait=0.01) as spare:
            assert len(spare) == 1  # the pool had one left; the report runs with one helper


def test_helper_sees_the_exported_snapshot_not_later_commits(db: Database) -> None:
    with db.connect() as lead, db.connect(autocommit=True) as helper, \
            db.connect(autocommit=True) as writer:
        writer.execute("INSERT INTO actors (name, group_key) VALUES ('before', 'journalist')")
        with exported_snapshot(lead) as snapshot:
            writer.execute("INSERT INTO actors (name, group_key) VALUES ('after', 'journalist')")
            with following_snapshot(helper, snapshot):
                names = {r["name"] for r in helper.execute("SELECT name FROM actors")}
                with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                    helper.execute("DELETE FROM actors")
        assert "before" in names and "after" not in names
        lead.rollback()


def test_a_busy_helper_is_refused(db: Database) -> None:
    with db.connect() as lead, db.connect() as helper:
        helper.execute("SELECT 1")  # now inside a transaction
        with exported_snapshot(lead) as snapshot, pytest.raises(psycopg.ProgrammingError):
            with following_snapshot(helper, snapshot):
                pass


def test_helper_settings_last_for_the_block_only(db: Database) -> None:
    with db.connect() as lead, db.connect(autocommit=True) as helper:
        before = helper.execute("SHOW work_mem").fetchone()
        with exported_snapshot(lead) as snapshot, \
                following_snapshot(helper, snapshot, {"work_mem": "77MB"}):
            inside = helper.execute("SHOW work_mem").fetchone()
        after = helper.execute("SHOW work_mem").fetchone()
        lead.rollback()
    assert inside is not None and inside["work_mem"] == "77MB"
    assert before == after and before is not None and before["work_mem"] != "77MB"
