"""Builders for the hand-built convergence scenarios: narratives, tags, labels, events."""

from __future__ import annotations

from datetime import datetime

from storage import catalog
from storage.database import Database
from tests.factories import at


def add_narrative(db: Database, key: str, threshold: float = 0.5) -> None:
    spec = catalog.NarrativeSpec(key=key, names={"en": key.replace("_", " ")},
                                 descriptions={"en": key}, examples={}, cues={},
                                 threshold=threshold)
    with db.connection() as conn:
        catalog.upsert_narrative(conn, spec)


def add_event(db: Database, name: str, when: str | datetime, status: str = "confirmed") -> int:
    moment = at(when) if isinstance(when, str) else when
    with db.connection() as conn:
        return catalog.add_event(conn, catalog.EventSpec(name=name, at=moment, status=status))


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
