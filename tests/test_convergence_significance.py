"""Significance against placebo windows (storage.convergence.significance), hand-built
scenarios on the real server: a narrative every actor posts daily, a burst after a quiet
period, too little collected time; the per-event cache and its invalidation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from collectors.records import PostRecord
from storage.convergence.report import event_report
from storage.convergence.significance import QUIET, TRAILING, placebo_instants
from storage.database import Database
from tests.convergence_scenarios import add_event, add_narrative
from tests.factories import add_source, at, post, write

T0 = at("2021-11-06T23:30:00Z")
ACTORS = [f"actor{i}" for i in range(6)]


def when(**delta: float) -> str:
    return (T0 + timedelta(**delta)).isoformat()


def catalogue(db: Database) -> None:
    add_narrative(db, "sedition")
    for i, handle in enumerate(ACTORS):
        add_source(db, "telegram", handle, f"Actor {i}", ("militia_media", "iran_official")[i % 2])
    add_source(db, "telegram", "watcher", "Watcher", "journalist", role="observer")


def routine(first_day: int, last_day: int) -> list[PostRecord]:
    """One post a day that carries no narrative: the sources were collected these days."""
    return [post("actor0", f"r{d}", when(days=d, hours=5), f"weather report {d}")
            for d in range(first_day, last_day + 1)]


def significance(db: Database, event_id: int) -> dict[str, Any]:
    with db.connection() as conn:
        (entry,) = event_report(conn, event_id, narrative="sedition")["narratives"]
    return entry  # type: ignore[no-any-return]


def test_a_narrative_every_actor_posts_daily_is_not_significant(db: Database) -> None:
    catalogue(db)
    daily = [post(handle, f"{handle}-{d}", when(days=d, hours=1 + i), f"sedition day {d}",
                  labels=["sedition"])
             for i, handle in enumerate(ACTORS) for d in range(-100, 3)]
    write(db, *daily)
    event = add_event(db, "Drone attack", T0)
    entry = significance(db, event)
    assert entry["adopters_by_window"]["24h"] == 6  # high adopters...
    sig = entry["significance"]
    assert sig["observed_24h"] == 6 and sig["placebo_windows"] >= 150
    assert sig["expected_24h"] == pytest.approx(6, abs=0.5)
    assert sig["placebo_p"] > 0.1 and sig["lift"] == pytest.approx(1, abs=0.1)  # ...no signal
    assert sig["note"] is None


@pytest.fixture
def burst(db: Database) -> int:
    """Quiet for 100 days (one actor says it every tenth day, an observer daily), then five
    actors within six hours of the event."""
    catalogue(db)
    quiet = [post("actor1", f"q{d}", when(days=d, hours=7), "a lone sedition post",
                  labels=["sedition"]) for d in range(-100, 0, 10)]
    observer = [post("watcher", f"w{d}", when(days=d, hours=9), "militias call it sedition",
                     labels=["sedition"]) for d in range(-100, 3)]
    after = [post(handle, f"b{i}", when(hours=1 + i), "a project of sedition", labels=["sedition"])
             for i, handle in enumerate(ACTORS[1:])]
    write(db, *routine(-100, 3), *quiet, *observer, *after)
    return add_event(db, "Drone attack", T0)


def test_a_burst_after_a_quiet_period_is_significant(db: Database, burst: int) -> None:
    sig = significance(db, burst)["significance"]
    assert sig["observed_24h"] == 5
    assert sig["placebo_windows"] >= 150
    assert sig["expected_24h"] < 0.5  # the observer's daily posts never count
    assert sig["placebo_p"] < 0.05 and sig["lift"] > 10


def test_too_few_placebo_windows_give_no_p(db: Database) -> None:
    catalogue(db)
    write(db, *routine(-4, 2),
          *[post(h, f"b{i}", when(hours=2 + i), "sedition", labels=["sedition"])
            for i, h in enumerate(ACTORS[:3])])
    event = add_event(db, "Drone attack", T0)
    sig = significance(db, event)["significance"]
    assert sig["observed_24h"] == 3
    assert sig["placebo_windows"] < 20 and sig["placebo_p"] is None
    assert "placebo window" in sig["note"] and "at least 20" in sig["note"]


def test_placebo_instants_are_deterministic_and_avoid_confirmed_events() -> None:
    first, last = T0 - timedelta(days=200), T0 + timedelta(days=3)
    other = T0 - timedelta(days=40)
    one = placebo_instants(7, T0, first, last, [other, T0])
    assert one == placebo_instants(7, T0, first, last, [other, T0])
    assert one != placebo_instants(8, T0, first, last, [other, T0])
    assert all(T0 - TRAILING <= s < T0 - QUIET for s in one.instants)
    assert all(abs(s - other) > QUIET for s in one.instants)
    assert 150 <= len(one.instants) < 200  # 9 of the 90 days lie near an event
    late = placebo_instants(7, T0, T0 - timedelta(days=10), last, [T0])
    assert all(s >= T0 - timedelta(days=10) for s in late.instants)
    assert placebo_instants(7, T0, None, None, []).instants == ()


def cached(db: Database, event_id: int) -> dict[str, datetime]:
    with db.connection() as conn:
        rows = conn.execute(
            "SELECT narrative, computed_at FROM convergence_placebo WHERE event_id = %(e)s",
            {"e": event_id}).fetchall()
    return {r["narrative"]: r["computed_at"] for r in rows}


def test_the_cache_is_reused_until_the_days_it_read_change(db: Database, burst: int) -> None:
    before = significance(db, burst)["significance"]
    stored = cached(db, burst)
    assert set(stored) == {"sedition"}
    # A post after the event changes nothing the placebo windows read: the row is reused.
    write(db, post("actor5", "late", when(hours=30), "more sedition", labels=["sedition"]))
    assert significance(db, burst)["significance"] == before
    assert cached(db, burst) == stored
    # Four more actors say it every day of the trailing 90 days: the cache is stale.
    write(db, *[post(h, f"{h}-extra-{d}", when(days=d, hours=2), "sedition", labels=["sedition"])
                for h in ACTORS[2:6] for d in range(-95, 0)])
    after = significance(db, burst)["significance"]
    assert cached(db, burst)["sedition"] > stored["sedition"]
    assert after["expected_24h"] >= before["expected_24h"] + 3.5
    assert after["placebo_p"] > before["placebo_p"]


def test_a_read_only_transaction_gets_significance_without_caching(db: Database,
                                                                   burst: int) -> None:
    with db.connection() as conn:
        conn.execute("SET TRANSACTION READ ONLY")
        (entry,) = event_report(conn, burst, narrative="sedition")["narratives"]
    assert entry["significance"]["placebo_p"] < 0.05
    assert cached(db, burst) == {}


def test_old_change_log_entries_are_pruned_with_the_rows_they_make_stale(
        db: Database, burst: int) -> None:
    significance(db, burst)
    with db.connection() as conn:
        # A change a week old that the cached counts did not see (a later transaction id).
        conn.execute("""INSERT INTO convergence_placebo_changes (day_from, day_to, logged_at)
                        VALUES ('2021-09-01', '2021-09-30', now() - interval '8 days')""")
    stored = cached(db, burst)
    assert significance(db, burst)["significance"]["placebo_p"] < 0.05
    assert cached(db, burst)["sedition"] > stored["sedition"]  # recomputed, not trusted
    with db.connection() as conn:
        left = conn.execute("SELECT count(*) AS n FROM convergence_placebo_changes "
                            "WHERE logged_at < now() - interval '7 days'").fetchone()
    assert left is not None and left["n"] == 0
