"""Event-anchored convergence on a hand-built episode modelled on the seed report.

T0 = 2021-11-06 23:30 UTC (the drone attack). Five actors in three groups adopt
`false_flag` within 12 hours; a militia leader pre-positioned it two days before; an outlet
posted before T0 and edited the post after it; an observer posts first and must never
count; an analyst rejects one actor's post.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from storage.convergence.report import ConvergenceError, event_report
from storage.database import Database
from tests.convergence_scenarios import add_narrative, label, seed_report_episode


def expected_score(lags: list[float], groups_24h: int, k: int = 3) -> float:
    weighted = sum(2 ** (-lag / 12) for lag in lags)
    diversity = 1 - 1 / groups_24h if groups_24h > 1 else 0.0
    return 0.6 * weighted / (weighted + k) + 0.4 * diversity


@pytest.fixture
def episode(db: Database) -> int:
    return seed_report_episode(db)


def by_key(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["narrative"]: n for n in report["narratives"]}


def test_five_actors_in_three_groups_within_twelve_hours(db: Database, episode: int) -> None:
    with db.connection() as conn:
        report = event_report(conn, episode)
    assert report["event"]["occurred_at"] == "2021-11-06T23:30:00Z"
    ff = by_key(report)["false_flag"]
    adopters = ff["adopters"]
    # Lead–lag order; Kata'ib Hezbollah's 0.3-scored post at +1.5h is below threshold.
    assert [(a["actor"], a["lag_hours"]) for a in adopters] == [
        ("Tura News", 0.5), ("Sabereen News", 2.0), ("Ali Shamkhani", 4.0),
        ("Qais al-Khazali", 6.0), ("Kata'ib Hezbollah", 11.5)]
    assert adopters[2]["first_post_at"] == "2021-11-07T03:30:00Z"  # +03:30 input, UTC out
    assert adopters[2]["platform"] == "twitter"
    assert ff["adopters_by_window"] == {"1h": 1, "6h": 4, "24h": 5, "72h": 5}
    assert ff["groups_24h"] == 3
    assert ff["time_to_k_hours"] == 4.0  # third distinct actor
    assert ff["first_mover"]["actor"] == "Tura News"
    expected = expected_score([0.5, 2, 4, 6, 11.5], 3)
    assert ff["score"] == pytest.approx(expected, abs=1e-4)
    assert 0 < ff["score"] < 1


def test_the_observer_never_counts_but_is_shown_apart(db: Database, episode: int) -> None:
    with db.connection() as conn:
        ff = by_key(event_report(conn, episode))["false_flag"]
    assert "Omar al-Janabi" not in {a["actor"] for a in ff["adopters"]}
    assert ff["first_mover"]["actor"] != "Omar al-Janabi"  # posted first, at +0.1h
    assert ff["observers"]["posts"] == 1
    assert ff["observers"]["sources"][0]["handle"] == "omartvsd"


def test_prepositioned_posts_and_an_edit_after_the_event(db: Database, episode: int) -> None:
    with db.connection() as conn:
        ff = by_key(event_report(conn, episode))["false_flag"]
    pre = {(p["actor"], p["hours_before"], p["edited_after_event"]) for p in ff["prepositioned"]}
    assert pre == {("Qais al-Khazali", 48.0, False), ("Sabereen News", 10.0, True)}
    with db.connection() as conn:
        narrow = by_key(event_report(conn, episode, pre_days=1))["false_flag"]
    assert [p["actor"] for p in narrow["prepositioned"]] == ["Sabereen News"]


def test_analyst_rejection_removes_an_adoption_and_confirmation_restores_it(
    db: Database, episode: int
) -> None:
    with db.connection() as conn:
        before = by_key(event_report(conn, episode))["false_flag"]
    assert "Hadi al-Ameri" not in {a["actor"] for a in before["adopters"]}
    label(db, "ameri_badr", "8", "false_flag", "confirm")  # the newest label is in force
    with db.connection() as conn:
        after = by_key(event_report(conn, episode))["false_flag"]
    assert [a["actor"] for a in after["adopters"]][2] == "Hadi al-Ameri"  # lag 3h
    assert after["adopters_by_window"]["6h"] == 5
    assert after["score"] > before["score"]


def test_threshold_and_analyst_labels_decide_sedition(db: Database, episode: int) -> None:
    with db.connection() as conn:
        sedition = by_key(event_report(conn, episode))["sedition"]
        with_k2 = by_key(event_report(conn, episode, k=2))["sedition"]
    # Tura's 0.65 is under sedition's 0.7; Shamkhani has no tag, only an analyst label.
    assert [a["actor"] for a in sedition["adopters"]] == ["Ali Shamkhani", "Qais al-Khazali"]
    assert sedition["time_to_k_hours"] is None  # k = 3, two adopters
    assert with_k2["time_to_k_hours"] == 6.0
    assert sedition["groups_24h"] == 2
    assert sedition["score"] == pytest.approx(expected_score([4, 6], 2), abs=1e-4)


def test_raising_a_threshold_removes_adoptions(db: Database, episode: int) -> None:
    add_narrative(db, "false_flag", 0.9)
    with db.connection() as conn:
        ff = by_key(event_report(conn, episode))["false_flag"]
    assert [a["actor"] for a in ff["adopters"]] == ["Tura News"]  # 0.91; the 0.95 is +20h


def test_a_narrative_with_no_adopters(db: Database, episode: int) -> None:
    with db.connection() as conn:
        report = event_report(conn, episode)
    gulf = by_key(report)["gulf_aggression"]
    assert gulf["adopters"] == [] and gulf["first_mover"] is None
    assert gulf["adopters_by_window"] == {"1h": 0, "6h": 0, "24h": 0, "72h": 0}
    assert gulf["groups_24h"] == 0 and gulf["time_to_k_hours"] is None
    assert gulf["prepositioned"] == [] and gulf["coordinated_copies"] == []
    assert gulf["shared_phrases"] == [] and gulf["score"] == 0
    assert report["narratives"][0]["narrative"] == "false_flag"  # highest score first
    assert list(report["narratives"][0])[:11] == [
        "narrative", "name", "adopters", "adopters_by_window", "groups_24h",
        "time_to_k_hours", "first_mover", "prepositioned", "coordinated_copies",
        "shared_phrases", "score"]


def test_one_narrative_by_event_name_and_bad_requests(db: Database, episode: int) -> None:
    with db.connection() as conn:
        report = event_report(conn, "drone attack on pm residence", narrative="sedition")
        assert [n["narrative"] for n in report["narratives"]] == ["sedition"]
        with pytest.raises(ConvergenceError, match="unknown narrative nope"):
            event_report(conn, episode, narrative="nope")
        with pytest.raises(ConvergenceError, match="no event"):
            event_report(conn, 999999)
        with pytest.raises(ConvergenceError, match="k must be"):
            event_report(conn, episode, k=0)


def sql_score(db: Database, lags: list[float], groups_24h: int, k: int = 3) -> float:
    """The score as the report computes it: PostgreSQL's convergence_score over the weighted
    adopters the report sums (2^(-lag/12) each)."""
    with db.connection() as conn:
        row = conn.execute(
            """SELECT convergence_score(
                   (SELECT sum(power(2.0, -lag / 12.0)) FROM unnest(%(lags)s::float8[]) AS lag),
                   %(groups)s, %(k)s) AS score""",
            {"lags": [float(x) for x in lags], "groups": groups_24h, "k": k}).fetchone()
    assert row is not None
    return float(row["score"])


def test_score_grows_with_adopters_groups_and_speed(db: Database) -> None:
    base = sql_score(db, [1, 2], 2)
    assert base == pytest.approx(expected_score([1, 2], 2), abs=1e-9)  # the documented formula
    assert sql_score(db, [1, 2, 30], 2) > base       # one more adopter, even a slow one
    assert sql_score(db, [1, 2], 3) > base           # one more group
    assert sql_score(db, [0.5, 1], 2) > base         # the same adopters, sooner
    assert math.isclose(sql_score(db, [], 0), 0.0)   # no adopters
    assert 0 < sql_score(db, [0.0] * 500, 12) < 1    # stays below 1


def test_adopter_urls_follow_the_posts(db: Database, episode: int) -> None:
    with db.connection() as conn:
        conn.execute("UPDATE posts SET url = 'https://t.me/Tura313/1' WHERE native_id = '1'")
    with db.connection() as conn:
        ff = by_key(event_report(conn, episode))["false_flag"]
    assert ff["adopters"][0]["url"] == "https://t.me/Tura313/1"
    assert ff["first_mover"]["url"] == "https://t.me/Tura313/1"
