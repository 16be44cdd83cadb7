"""Window edges, empty windows, time zones and period reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from storage.convergence.report import ConvergenceError, event_report, period_report
from storage.database import Database
from tests.convergence_scenarios import add_event, add_narrative, tag
from tests.factories import add_source, at, post, write

# The Oct 31 rockets: 04:30 Baghdad time, given with its offset.
T0_LOCAL = "2021-10-31T04:30:00+03:00"
T0 = at(T0_LOCAL)


def shifted(**delta: float) -> str:
    return (T0 + timedelta(**delta)).isoformat()


@pytest.fixture
def edges(db: Database) -> int:
    add_narrative(db, "false_flag")
    names = ["At T0", "At 72h", "After 72h", "Just before", "Week before", "Over a week"]
    for i, name in enumerate(names):
        add_source(db, "telegram", f"src{i}", name, f"group{i % 3}")
    records = [
        post("src0", "1", shifted(seconds=0), "exactly at the event"),
        post("src1", "2", shifted(hours=72), "exactly at the end of the post window"),
        post("src2", "3", shifted(hours=72, seconds=1), "one second too late"),
        post("src3", "4", shifted(seconds=-1), "one second before"),
        post("src4", "5", shifted(days=-7), "exactly at the start of the pre window"),
        post("src5", "6", shifted(days=-7, seconds=-1), "one second too early"),
    ]
    write(db, *records)
    for r in records:
        tag(db, r.source, r.native_id, "false_flag", 0.8)
    return add_event(db, "Rockets near INIS headquarters", T0_LOCAL)


def only(report: dict[str, Any]) -> dict[str, Any]:
    (narrative,) = report["narratives"]
    return narrative  # type: ignore[no-any-return]


def before(narrative: dict[str, Any]) -> list[dict[str, Any]]:
    """Every post before the event, earliest first: with two adopters (k = 3) the narrative
    does not converge, so they are "other" posts rather than pre-positioning that mattered."""
    posts = narrative["prepositioned"] + narrative["prepositioned_other"]
    return sorted(posts, key=lambda p: (p["posted_at"], p["post_id"]))


def test_events_at_window_edges(db: Database, edges: int) -> None:
    with db.connection() as conn:
        ff = only(event_report(conn, edges))
    assert [(a["actor"], a["lag_hours"]) for a in ff["adopters"]] == [
        ("At T0", 0.0), ("At 72h", 72.0)]
    assert ff["adopters_by_window"] == {"1h": 1, "6h": 1, "24h": 1, "72h": 2}
    assert [(p["actor"], p["hours_before"]) for p in before(ff)] == [
        ("Week before", 168.0), ("Just before", 0.0)]


def test_shorter_windows_and_empty_windows(db: Database, edges: int) -> None:
    with db.connection() as conn:
        short = only(event_report(conn, edges, post_hours=24, pre_days=0.5))
        assert [a["actor"] for a in short["adopters"]] == ["At T0"]
        assert [p["actor"] for p in before(short)] == ["Just before"]
    quiet = add_event(db, "Nothing happened", "2022-03-01T00:00:00Z")
    with db.connection() as conn:
        empty = only(event_report(conn, quiet))
    assert empty["adopters"] == [] and before(empty) == []
    assert empty["adopters_by_window"] == {"1h": 0, "6h": 0, "24h": 0, "72h": 0}
    assert empty["time_to_k_hours"] is None and empty["score"] == 0


def test_times_come_out_in_utc_whatever_the_session_zone(db: Database, edges: int) -> None:
    write(db, post("src0", "9", "2021-10-31T08:00:00-04:00", "offset input"))  # 12:00 UTC
    tag(db, "src0", "9", "false_flag", 0.9)
    with db.connection() as conn:
        conn.execute("SET TIME ZONE 'Asia/Tehran'")
        report = event_report(conn, edges)
    assert report["event"]["occurred_at"] == "2021-10-31T01:30:00Z"
    ff = only(report)
    assert ff["adopters"][0]["first_post_at"] == "2021-10-31T01:30:00Z"
    assert before(ff)[0]["posted_at"] == "2021-10-24T01:30:00Z"
    assert report["parameters"]["window"]["post_end"] == "2021-11-03T01:30:00Z"


def test_period_report_anchors_on_since(db: Database, edges: int) -> None:
    since = datetime(2021, 10, 31, 0, 0, tzinfo=UTC)
    with db.connection() as conn:
        report = period_report(conn, since, since + timedelta(days=3, hours=1, minutes=30))
    assert report["event"] is None
    assert report["period"] == {"since": "2021-10-31T00:00:00Z", "until": "2021-11-03T01:30:00Z"}
    assert [e["name"] for e in report["events"]] == ["Rockets near INIS headquarters"]
    ff = only(report)
    # until is excluded: the post at exactly 01:30 on Nov 3 is out. 01:29:59 rounds to 1.5.
    assert [(a["actor"], a["lag_hours"]) for a in ff["adopters"]] == [
        ("Just before", 1.5), ("At T0", 1.5)]
    assert before(ff) == []
    assert [d["day"] for d in ff["daily"]] == [
        "2021-10-31", "2021-11-01", "2021-11-02", "2021-11-03"]
    # Whole UTC days: Nov 3 holds the posts at 01:30:00 and 01:30:01.
    assert [d["actors"] for d in ff["daily"]] == [2, 0, 0, 2]


def test_naive_times_are_refused(db: Database, edges: int) -> None:
    with db.connection() as conn, pytest.raises(ConvergenceError, match="no UTC offset"):
        period_report(conn, datetime(2021, 10, 1), datetime(2021, 11, 1))  # noqa: DTZ001


def test_the_callers_session_settings_are_restored(db: Database, edges: int) -> None:
    with db.connection() as conn:
        conn.execute("SET work_mem = '5MB'")
        conn.execute("SET jit = on")
        event_report(conn, edges)
        settings = conn.execute(
            "SELECT current_setting('work_mem') AS work_mem, current_setting('jit') AS jit"
        ).fetchone()
    assert settings == {"work_mem": "5MB", "jit": "on"}
