"""Correct at scale: shared phrases whose 30-bit hashes collide, and coordinated copies in a
window of 5,000 near-identical posts (union-find over bounded candidate pairs)."""

from __future__ import annotations

import time
from datetime import timedelta

from storage.convergence.report import event_report
from storage.database import Database
from storage.rows import one
from tests.convergence_scenarios import add_event, add_narrative
from tests.factories import add_source, at, post, write

T0 = at("2021-11-06T23:30:00Z")


def when(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def colliding_phrases(db: Database) -> tuple[str, str]:
    """Two different two-word phrases with the same phrase hash (birthday search)."""
    with db.connection() as conn:
        row = one(conn.execute(
            """SELECT min(p) AS a, max(p) AS b
               FROM (SELECT 'qa' || i || ' qb' || i AS p FROM generate_series(1, 300000) i) x
               GROUP BY convergence_phrase_hash(p, 2)
               HAVING count(*) > 1
               LIMIT 1""").fetchone())
    return str(row["a"]), str(row["b"])


def test_colliding_phrase_hashes_are_never_one_talking_point(db: Database) -> None:
    first, second = colliding_phrases(db)
    assert first != second
    add_narrative(db, "third_party")
    for i in range(3):
        add_source(db, "telegram", f"src{i}", f"Actor {i}", "militia_media")
    write(db,
          post("src0", "1", when(60), f"the hidden hand again {first} tonight",
               labels=["third_party"]),
          post("src1", "2", when(90), f"a hidden hand once more {second} today",
               labels=["third_party"]),
          post("src2", "3", when(120), "nothing in common here", labels=["third_party"]))
    event = add_event(db, "Drone attack", T0)
    with db.connection() as conn:
        (entry,) = event_report(conn, event, narrative="third_party")["narratives"]
    # Without checking the words, the two phrases were one "talking point" of two actors.
    assert [(p["phrase"], p["actors"]) for p in entry["shared_phrases"]] == [("hidden hand", 2)]


def test_five_thousand_near_identical_posts_cluster_in_seconds(db: Database) -> None:
    add_narrative(db, "false_flag")
    for i in range(100):
        add_source(db, "telegram", f"src{i}", f"Actor {i}", f"group{i % 5}")
    base = ("the americans and their agents staged this attack on the residence to strike "
            "the resistance factions")
    # Every post the same talking point with one word of its own, 5,000 in two hours.
    write(db, *[post(f"src{i % 100}", str(i), when(60 + i * 120 / 5000), f"{base} w{i}",
                     labels=["false_flag"]) for i in range(5000)])
    event = add_event(db, "Drone attack", T0)
    started = time.monotonic()
    with db.connection() as conn:
        (entry,) = event_report(conn, event, narrative="false_flag")["narratives"]
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"{elapsed:.1f} s"  # the recursive closure took many minutes
    (cluster,) = entry["coordinated_copies"]
    assert cluster["actors"] == 100 and len(cluster["posts"]) == 5000
    assert cluster["identical"] is False and cluster["span_minutes"] > 119
    # Each post was compared with its next 50 sharing a feature, and the report says so.
    assert "compared with its next 50" in entry["coordinated_copies_note"]


def test_separate_floods_stay_separate_clusters_without_a_note(db: Database) -> None:
    add_narrative(db, "false_flag")
    for i in range(6):
        add_source(db, "telegram", f"src{i}", f"Actor {i}", "militia_media")
    one_text = "zionist hands planned the drone strike on baghdad tonight without doubt"
    other_text = "the embassy directs the chaos in iraq and everybody knows it well"
    write(db, *[post(f"src{i}", f"a{i}", when(10 + i), f"{one_text} a{i}",
                     labels=["false_flag"]) for i in range(3)],
          *[post(f"src{i + 3}", f"b{i}", when(20 + i), f"{other_text} b{i}",
                 labels=["false_flag"]) for i in range(3)])
    event = add_event(db, "Drone attack", T0)
    with db.connection() as conn:
        (entry,) = event_report(conn, event, narrative="false_flag")["narratives"]
    assert sorted(len(c["posts"]) for c in entry["coordinated_copies"]) == [3, 3]
    assert entry["coordinated_copies_note"] is None
