"""Candidate events from joint volume bursts, and lead–lag across events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage.convergence.report import (
    ConvergenceError,
    confirm_candidate,
    dismiss_candidate,
    event_report,
    lead_lag,
    propose_candidate_events,
)
from storage.database import Database
from tests.convergence_scenarios import add_event, add_narrative, tag
from tests.factories import add_source, post, write

BURST_DAY = date(2021, 11, 7)
ACTORS = [("tura", "Tura News", "militia_media"), ("sabreen", "Sabereen News", "militia_media"),
          ("qais", "Qais al-Khazali", "iraqi_militia"), ("shamkhani", "Ali Shamkhani",
                                                         "iran_official")]


def stamp(day: date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00Z"


@pytest.fixture
def burst(db: Database) -> None:
    """Four actors post once a day at 10:00 for 28 days; on BURST_DAY three of them post six
    more posts each between 14:05 and 14:55 (7 posts against a baseline of 1: z = 6)."""
    for handle, name, group in ACTORS:
        add_source(db, "telegram", handle, name, group)
    records = []
    for back in range(0, 29):
        day = BURST_DAY - timedelta(days=back)
        records += [post(h, f"{h}-{day}", stamp(day, 10), f"daily {h} {day}")
                    for h, _, _ in ACTORS]
    for offset, (handle, _, _) in enumerate(ACTORS[:3]):
        records += [post(handle, f"{handle}-burst-{i}", stamp(BURST_DAY, 14, 5 + offset + 10 * i),
                         f"burst {handle} {i}") for i in range(6)]
    write(db, *records)


def test_a_joint_burst_is_proposed_with_its_time_and_actors(db: Database, burst: None) -> None:
    with db.connection() as conn:
        (proposal,) = propose_candidate_events(conn, BURST_DAY - timedelta(days=3), BURST_DAY)
    # The busiest hour is 14:00 (18 posts); its first post, Tura's at 14:05, starts the burst.
    assert proposal["at"] == "2021-11-07T14:05:00Z"
    assert proposal["peak_hour"] == "2021-11-07T14:00:00Z"
    assert proposal["days"] == ["2021-11-07"]
    assert proposal["actors"] == 3 and proposal["groups"] == 2
    assert [(i["actor"], i["posts"], i["z"]) for i in proposal["involved"]] == [
        ("Qais al-Khazali", 7, 6.0), ("Sabereen News", 7, 6.0), ("Tura News", 7, 6.0)]
    assert proposal["status"] == "candidate" and proposal["explained_by"] == []
    with db.connection() as conn:
        again = propose_candidate_events(conn, BURST_DAY - timedelta(days=3), BURST_DAY)
        count = conn.execute("SELECT count(*) AS n FROM events").fetchall()
    assert again[0]["id"] == proposal["id"] and count == [{"n": 1}]
    with db.connection() as conn:
        assert propose_candidate_events(conn, BURST_DAY, BURST_DAY, min_actors=4) == []


def test_confirming_a_candidate_makes_it_an_event(db: Database, burst: None) -> None:
    add_narrative(db, "false_flag")
    with db.connection() as conn:
        (proposal,) = propose_candidate_events(conn, BURST_DAY, BURST_DAY)
        confirmed = confirm_candidate(conn, proposal["id"], name="Militia burst")
    assert confirmed == {"id": proposal["id"], "name": "Militia burst",
                         "occurred_at": "2021-11-07T14:05:00Z", "status": "confirmed"}
    with db.connection() as conn:
        report = event_report(conn, "Militia burst")
        assert report["event"]["status"] == "confirmed"
        # Proposed again, the burst is now explained by the confirmed event; nothing new.
        (again,) = propose_candidate_events(conn, BURST_DAY, BURST_DAY)
        assert again["explained_by"] == ["Militia burst"] and "id" not in again
        with pytest.raises(ConvergenceError, match="not a candidate"):
            dismiss_candidate(conn, proposal["id"])
        with pytest.raises(ConvergenceError, match="no event with id"):
            confirm_candidate(conn, 424242)


def test_a_dismissed_candidate_stays_dismissed(db: Database, burst: None) -> None:
    with db.connection() as conn:
        (proposal,) = propose_candidate_events(conn, BURST_DAY, BURST_DAY)
        assert dismiss_candidate(conn, proposal["id"])["status"] == "dismissed"
        (again,) = propose_candidate_events(conn, BURST_DAY, BURST_DAY)
    assert again["id"] == proposal["id"] and again["status"] == "dismissed"


def test_a_burst_after_a_known_event_is_not_proposed(db: Database, burst: None) -> None:
    add_event(db, "Drone attack", stamp(BURST_DAY, 12))
    with db.connection() as conn:
        (proposal,) = propose_candidate_events(conn, BURST_DAY, BURST_DAY)
        statuses = [r["status"] for r in conn.execute("SELECT status FROM events").fetchall()]
    assert proposal["explained_by"] == ["Drone attack"] and "id" not in proposal
    assert statuses == ["confirmed"]


# Lead–lag: hours after each event at which each actor first carried the narrative.
E1 = datetime(2021, 10, 10, 12, tzinfo=UTC)
E2 = datetime(2021, 10, 20, 12, tzinfo=UTC)
E3 = datetime(2021, 10, 25, 12, tzinfo=UTC)  # a candidate: ignored
LAGS = [  # (event, narrative, handle, lag hours)
    (E1, "false_flag", "tura", 1), (E1, "false_flag", "sabreen", 3), (E1, "false_flag", "qais", 5),
    (E1, "sedition", "sabreen", 2), (E1, "sedition", "tura", 4),
    (E2, "false_flag", "sabreen", 0.5), (E2, "false_flag", "tura", 2),
    (E2, "false_flag", "tura", 80),  # outside the 72 h window
    (E3, "false_flag", "qais", 0.1),
]


@pytest.fixture
def lagged(db: Database) -> None:
    add_narrative(db, "false_flag")
    add_narrative(db, "sedition")
    for handle, name, group in ACTORS:
        add_source(db, "telegram", handle, name, group)
    records = [post(h, f"{n}-{i}", (t0 + timedelta(hours=lag)).isoformat(), f"{n} {i}")
               for i, (t0, n, h, lag) in enumerate(LAGS)]
    write(db, *records)
    for record, (_, narrative, _, _) in zip(records, LAGS, strict=True):
        tag(db, record.source, record.native_id, narrative, 0.9)
    add_event(db, "E1", E1)
    add_event(db, "E2", E2)
    add_event(db, "E3", E3, status="candidate")


def test_lead_lag_counts_first_moves_and_median_lags(db: Database, lagged: None) -> None:
    with db.connection() as conn:
        rows = lead_lag(conn, E1 - timedelta(days=1), E3 + timedelta(days=1))
    table = {r["actor"]: r for r in rows}
    assert [r["actor"] for r in rows] == ["Sabereen News", "Tura News", "Qais al-Khazali"]
    sabreen, tura, qais = table["Sabereen News"], table["Tura News"], table["Qais al-Khazali"]
    assert (sabreen["adoptions"], sabreen["first_moves"], sabreen["events"]) == (3, 2, 2)
    assert sabreen["median_lag_hours"] == 2.0 and sabreen["mean_lag_hours"] == 1.83
    assert sabreen["median_position"] == 1.0 and sabreen["first_rate"] == 0.667
    assert (tura["adoptions"], tura["first_moves"], tura["median_lag_hours"]) == (3, 1, 2.0)
    assert tura["median_position"] == 2.0 and tura["narratives"] == ["false_flag", "sedition"]
    assert (qais["adoptions"], qais["first_moves"], qais["median_lag_hours"]) == (1, 0, 5.0)
    assert qais["participation"] == 0.333  # 1 of 3 (event, narrative) pairs


def test_lead_lag_for_one_narrative_and_a_shorter_period(db: Database, lagged: None) -> None:
    with db.connection() as conn:
        rows = lead_lag(conn, E1 - timedelta(days=1), E3, narrative="false_flag")
        later = lead_lag(conn, E1 + timedelta(days=1), E3)
    # One first move each; Tura's median lag (1.5) beats Sabereen's (1.75).
    assert [(r["actor"], r["first_moves"], r["median_lag_hours"]) for r in rows] == [
        ("Tura News", 1, 1.5), ("Sabereen News", 1, 1.75), ("Qais al-Khazali", 0, 5.0)]
    assert [(r["actor"], r["adoptions"]) for r in later] == [
        ("Sabereen News", 1), ("Tura News", 1)]
