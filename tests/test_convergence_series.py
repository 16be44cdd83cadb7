"""Daily series with a trailing 28-day baseline, and the incremental rollup refresh."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import pytest

from storage.convergence.report import daily_series, dirty_days, rebuild_rollups, refresh_rollups
from storage.database import Database
from tests.convergence_scenarios import add_narrative, label, tag
from tests.factories import add_source, post, write

DAY = date(2021, 11, 7)
# Tura posts false_flag on every second day of the 28 before DAY: DAY-2, DAY-4, ... DAY-28.
BASELINE_DAYS = [DAY - timedelta(days=2 * j) for j in range(1, 15)]


def on(day: date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00Z"


@pytest.fixture
def history(db: Database) -> None:
    add_narrative(db, "false_flag")
    add_narrative(db, "sedition")
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    add_source(db, "twitter", "alishamkhani_ir", "Ali Shamkhani", "iran_official")
    add_source(db, "twitter", "Qais_alkhazali", "Qais al-Khazali", "iraqi_militia")
    add_source(db, "telegram", "sabreenS1", "Sabereen News", "militia_media")
    add_source(db, "telegram", "kataib_h", "Kata'ib Hezbollah", "iraqi_militia")
    add_source(db, "twitter", "omartvsd", "Omar al-Janabi", "journalist", role="observer")
    records = [post("Tura313", f"b{i}", on(d, 12), f"routine claim {i}")
               for i, d in enumerate(BASELINE_DAYS)]
    records += [
        post("Tura313", "d1", on(DAY, 0, 30), "false flag one"),
        post("Tura313", "d2", on(DAY, 23, 59), "false flag two"),
        post("alishamkhani_ir", "d3", on(DAY, 3), "plot", platform="twitter"),
        post("Qais_alkhazali", "d4", on(DAY, 6), "plot", platform="twitter"),
        post("sabreenS1", "d5", on(DAY, 2), "theatre"),
        post("kataib_h", "d6", on(DAY, 11), "americans"),
        post("omartvsd", "d7", on(DAY, 1), "they call it a false flag", platform="twitter"),
    ]
    write(db, *records)
    for r in records:
        tag(db, r.source, r.native_id, "false_flag", 0.9)


def expected_baseline(counts: dict[date, int], day: date) -> tuple[float, float]:
    window = [counts.get(day - timedelta(days=i), 0) for i in range(1, 29)]
    return statistics.fmean(window), statistics.pstdev(window)


def test_a_day_of_five_actors_after_a_quiet_month_is_unusual(db: Database, history: None) -> None:
    with db.connection() as conn:
        rows = daily_series(conn, DAY - timedelta(days=2), DAY + timedelta(days=1),
                            narratives=["false_flag"])
    actors = dict.fromkeys(BASELINE_DAYS, 1) | {DAY: 5}
    assert [(r["day"], r["actors"]) for r in rows] == [
        ("2021-11-05", 1), ("2021-11-06", 0), ("2021-11-07", 5), ("2021-11-08", 0)]
    spike = rows[2]
    mean, sd = expected_baseline(actors, DAY)
    assert (mean, sd) == (0.5, 0.5)
    assert spike["baseline"]["actors_mean"] == mean and spike["baseline"]["actors_sd"] == sd
    assert spike["z"] == pytest.approx((5 - mean) / max(sd, 1), abs=1e-3)  # 4.5
    assert spike["unusual"] is True and spike["rank"] == 1
    assert spike["groups"] == 3 and spike["posts"] == 6 and spike["observer_posts"] == 1
    assert spike["z_posts"] == pytest.approx((6 - 0.5) / 1, abs=1e-3)
    assert spike["by_platform"] == {"telegram": {"actors": 3, "posts": 4},
                                    "twitter": {"actors": 2, "posts": 2}}
    assert spike["by_group"] == {"militia_media": {"actors": 2, "posts": 3},
                                 "iran_official": {"actors": 1, "posts": 1},
                                 "iraqi_militia": {"actors": 2, "posts": 2}}
    after = rows[3]
    mean_after, sd_after = expected_baseline(actors, DAY + timedelta(days=1))
    assert after["z"] == pytest.approx((0 - mean_after) / max(sd_after, 1), abs=1e-3)
    assert after["unusual"] is False and after["by_platform"] == {}


def test_every_narrative_gets_every_day(db: Database, history: None) -> None:
    with db.connection() as conn:
        rows = daily_series(conn, DAY, DAY + timedelta(days=2))
    assert [(r["narrative"], r["day"]) for r in rows] == [
        (n, (DAY + timedelta(days=i)).isoformat())
        for n in ("false_flag", "sedition") for i in range(3)]
    assert all(r["actors"] == 0 and r["z"] == 0 for r in rows if r["narrative"] == "sedition")


def test_refresh_touches_only_dirty_days_and_series_never_waits_for_it(
    db: Database, history: None
) -> None:
    window = (DAY - timedelta(days=30), DAY + timedelta(days=1))
    with db.connection() as conn:
        live = daily_series(conn, *window)
        assert dirty_days(conn) == 15  # 14 baseline days and DAY
        assert refresh_rollups(conn) == 15
        assert refresh_rollups(conn) == 0
    with db.connection() as conn:
        assert daily_series(conn, *window) == live
        # Tamper with a clean day: a refresh must leave it alone, a rebuild must repair it.
        conn.execute("UPDATE narrative_daily SET actors = 99 WHERE day = %(d)s",
                     {"d": BASELINE_DAYS[1]})
    write(db, post("alishamkhani_ir", "n1", on(DAY + timedelta(days=1), 9), "late",
                   platform="twitter"))
    tag(db, "alishamkhani_ir", "n1", "false_flag", 0.8)
    with db.connection() as conn:
        before_refresh = daily_series(conn, DAY + timedelta(days=1), DAY + timedelta(days=1),
                                      narratives=["false_flag"])
        assert before_refresh[0]["actors"] == 1  # computed live: the day is still dirty
        assert refresh_rollups(conn) == 1
        rolled = conn.execute(
            "SELECT day, actors FROM narrative_daily WHERE narrative = 'false_flag' "
            "AND day IN (%(tampered)s, %(new)s) ORDER BY day",
            {"tampered": BASELINE_DAYS[1], "new": DAY + timedelta(days=1)}).fetchall()
        assert [(r["day"], r["actors"]) for r in rolled] == [
            (BASELINE_DAYS[1], 99), (DAY + timedelta(days=1), 1)]
        assert rebuild_rollups(conn) == 22  # posts carrying false_flag, the observer's included
        repaired = conn.execute(
            "SELECT actors FROM narrative_daily WHERE day = %(d)s AND narrative = 'false_flag'",
            {"d": BASELINE_DAYS[1]}).fetchall()
        assert [r["actors"] for r in repaired] == [1]


def test_labels_and_role_changes_mark_their_days(db: Database, history: None) -> None:
    with db.connection() as conn:
        refresh_rollups(conn)
    label(db, "kataib_h", "d6", "false_flag", "reject")
    with db.connection() as conn:
        assert dirty_days(conn) == 1
        assert refresh_rollups(conn) == 1
        (day,) = daily_series(conn, DAY, DAY, narratives=["false_flag"])
    assert day["actors"] == 4 and day["groups"] == 3
    add_source(db, "twitter", "Qais_alkhazali", "Qais al-Khazali", "iraqi_militia",
               role="observer")
    with db.connection() as conn:
        assert refresh_rollups(conn) == 1
        (day,) = daily_series(conn, DAY, DAY, narratives=["false_flag"])
    assert day["actors"] == 3 and day["groups"] == 2 and day["observer_posts"] == 2


def test_bad_ranges_are_refused(db: Database, history: None) -> None:
    from storage.convergence.report import ConvergenceError

    with db.connection() as conn:
        with pytest.raises(ConvergenceError, match="before since"):
            daily_series(conn, DAY, DAY - timedelta(days=1))
        with pytest.raises(ConvergenceError, match="unknown narrative"):
            daily_series(conn, DAY, DAY, narratives=["nope"])


def test_moved_posts_and_regrouped_actors_mark_their_days(db: Database, history: None) -> None:
    with db.connection() as conn:
        refresh_rollups(conn)
        conn.execute("UPDATE posts SET posted_at = posted_at + interval '1 day' "
                     "WHERE native_id = 'd6'")  # Kata'ib Hezbollah's post moves to DAY + 1
        conn.execute("UPDATE actors SET group_key = 'iran_official' "
                     "WHERE name = 'Sabereen News'")
    with db.connection() as conn:
        assert dirty_days(conn) == 2  # DAY and DAY + 1; Sabereen posted only on DAY
        assert refresh_rollups(conn) == 2
        rows = daily_series(conn, DAY, DAY + timedelta(days=1), narratives=["false_flag"])
    assert [(r["actors"], r["groups"]) for r in rows] == [(4, 3), (1, 1)]  # KH moved out
    assert rows[0]["by_group"]["iran_official"] == {"actors": 2, "posts": 2}
