"""Builders for the hand-built convergence scenarios: narratives, tags, labels, events."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import catalog
from storage.database import Database
from storage.event_keywords import store_keywords
from tests.factories import add_source, at, post, write

T0 = "2021-11-06T23:30:00Z"  # the drone attack on the prime minister's residence


def hours_after(hours: float) -> str:
    return (at(T0) + timedelta(hours=hours)).isoformat()


def add_narrative(db: Database, key: str, threshold: float = 0.5) -> None:
    spec = catalog.NarrativeSpec(key=key, names={"en": key.replace("_", " ")},
                                 descriptions={"en": key}, examples={}, cues={},
                                 threshold=threshold)
    with db.connection() as conn:
        catalog.upsert_narrative(conn, spec)


def add_event(db: Database, name: str, when: str | datetime, status: str = "confirmed",
              keywords: dict[str, list[str]] | None = None) -> int:
    moment = at(when) if isinstance(when, str) else when
    with db.connection() as conn:
        event_id = catalog.add_event(conn, catalog.EventSpec(name=name, at=moment,
                                                             status=status))
        store_keywords(conn, event_id, keywords or {})
    return event_id


def post_id(db: Database, handle: str, native_id: str) -> int:
    with db.connection() as conn:
        row = conn.execute(
            """SELECT p.id FROM posts p JOIN sources s ON s.id = p.source_id
               WHERE lower(s.handle) = lower(%(h)s) AND p.native_id = %(n)s""",
            {"h": handle, "n": native_id}).fetchone()
    assert row is not None, f"no post {handle}/{native_id}"
    return int(row["id"])


def tag(db: Database, handle: str, native_id: str, narrative: str, score: float) -> None:
    """A model tag, written the way the classifier writes it (upsert per post and narrative)."""
    with db.connection() as conn:
        conn.execute(
            """INSERT INTO tags (post_id, narrative, score, method, model_version)
               VALUES (%(p)s, %(n)s, %(s)s, 'test', 'test-1')
               ON CONFLICT (post_id, narrative) DO UPDATE SET score = EXCLUDED.score""",
            {"p": post_id(db, handle, native_id), "n": narrative, "s": score})


def label(db: Database, handle: str, native_id: str, narrative: str, verdict: str) -> None:
    with db.connection() as conn:
        conn.execute(
            """INSERT INTO labels (post_id, narrative, verdict, analyst)
               VALUES (%(p)s, %(n)s, %(v)s, 'analyst')""",
            {"p": post_id(db, handle, native_id), "n": narrative, "v": verdict})


def seed_report_episode(db: Database) -> int:
    """The episode of tests/test_convergence_event.py; returns the event id."""
    add_narrative(db, "false_flag", 0.5)
    add_narrative(db, "sedition", 0.7)
    add_narrative(db, "gulf_aggression", 0.5)
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    add_source(db, "telegram", "sabreenS1", "Sabereen News", "militia_media")
    add_source(db, "twitter", "alishamkhani_ir", "Ali Shamkhani", "iran_official")
    add_source(db, "twitter", "Qais_alkhazali", "Qais al-Khazali", "iraqi_militia")
    add_source(db, "telegram", "kataib_h", "Kata'ib Hezbollah", "iraqi_militia")
    add_source(db, "telegram", "ameri_badr", "Hadi al-Ameri", "iraqi_militia")
    add_source(db, "twitter", "omartvsd", "Omar al-Janabi", "journalist", role="observer")
    write(
        db,
        post("Tura313", "1", hours_after(0.5), "an engineered false flag against the resistance"),
        post("sabreenS1", "2", hours_after(2), "the drone attack is theatre by foreign hands"),
        # Tehran time (+03:30): 07:00 local is 03:30 UTC, four hours after T0.
        post("alishamkhani_ir", "3", "2021-11-07T07:00:00+03:30",
             "sedition and a plot by foreign think tanks", platform="twitter",
             labels=["sedition"]),
        post("Qais_alkhazali", "4", hours_after(6), "we warned of this plot by a third party",
             platform="twitter"),
        post("kataib_h", "5", hours_after(1.5), "statement on the situation in baghdad"),
        post("kataib_h", "6", hours_after(11.5), "the americans stand behind this attack"),
        post("Tura313", "7", hours_after(20), "again: a false flag operation"),
        post("ameri_badr", "8", hours_after(3), "a false flag to strike the resistance"),
        post("omartvsd", "9", hours_after(0.1), "militias already calling it a false flag",
             platform="twitter"),
        # Pre-positioned two days before, and one posted before T0 but edited after it.
        post("Qais_alkhazali", "10", hours_after(-48), "beware a plot to blame the resistance",
             platform="twitter"),
        post("sabreenS1", "11", hours_after(-10),
             "they will stage an attack and blame us (updated)",
             edited_at=at(hours_after(5)), earlier_texts=["quiet night in baghdad"]),
    )
    for handle, native_id, score in [
        ("Tura313", "1", 0.91), ("sabreenS1", "2", 0.8), ("alishamkhani_ir", "3", 0.55),
        ("Qais_alkhazali", "4", 0.7), ("kataib_h", "5", 0.3), ("kataib_h", "6", 0.66),
        ("Tura313", "7", 0.95), ("ameri_badr", "8", 0.95), ("omartvsd", "9", 0.99),
        ("Qais_alkhazali", "10", 0.88), ("sabreenS1", "11", 0.77),
    ]:
        tag(db, handle, native_id, "false_flag", score)
    tag(db, "Tura313", "1", "sedition", 0.65)        # below sedition's threshold 0.7
    tag(db, "Qais_alkhazali", "4", "sedition", 0.75)
    label(db, "ameri_badr", "8", "false_flag", "reject")
    return add_event(db, "Drone attack on PM residence", T0)
