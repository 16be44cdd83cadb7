"""An event's adopters kept between alert runs (monitor/alerts/adopter_state.py): a run after
new tags reads only those tags and gets exactly what a full read gets; anything else that
changes the frame (a rejection, a camp change, a late commit, a new rival event, a deleted
post) reads it again in full."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from monitor.alerts import adopter_state
from storage import catalog
from storage.alerts import adopters as store
from storage.alerts.adopters import Adopter
from storage.alerts.adopters import measure as full_measure
from storage.convergence.attribution import OPEN, rivals
from storage.convergence.common import Window
from storage.database import Database
from tests.alert_support import CAMPS
from tests.convergence_scenarios import T0, add_event, add_narrative, hours_after, label, post_id, tag
from tests.factories import add_source, at, post, write


@pytest.fixture
def full_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the full reads of the frame made by adopter_state."""
    adopter_state.forget()
    calls: list[int] = []
    measure = store.measure

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return measure(*args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(store, "measure", counted)
    yield calls
    adopter_state.forget()


def _frame() -> Window:
    return Window(at(T0), at(T0), at(T0) + OPEN)


def _kept(db: Database, event: int) -> dict[str, list[Adopter]]:
    with db.connection() as conn:
        return adopter_state.adopters(conn, event, _frame())


def _full(db: Database, event: int) -> dict[str, list[Adopter]]:
    """A full read, not counted (full_measure is bound before the fixture counts)."""
    frame = _frame()
    with db.connection() as conn:
        found, _ = full_measure(conn, frame, rivals(conn, event, frame))
        return found


def _who(found: dict[str, list[Adopter]]) -> dict[str, list[tuple[str, int]]]:
    return {n: [(a["actor"], a["post_id"]) for a in rows] for n, rows in found.items()}


def test_new_tags_update_what_was_kept_and_other_changes_read_in_full(
        db: Database, full_reads: list[int]) -> None:
    add_narrative(db, "sedition")
    add_narrative(db, "staged_incident")
    event = add_event(db, "Drone attack on the PM", T0)
    for i in range(4):
        add_source(db, "telegram", f"a{i}", f"Actor {i}", CAMPS[i % 3])
    write(db, post("a0", "1", hours_after(2), "one"), post("a1", "1", hours_after(3), "two"),
          post("a2", "1", hours_after(5), "three"), post("a0", "2", hours_after(1), "four"),
          post("a3", "1", hours_after(4), "five"), post("a3", "2", hours_after(80), "late"))
    tag(db, "a0", "1", "sedition", 0.9)
    tag(db, "a1", "1", "sedition", 0.9)
    assert _kept(db, event) == _full(db, event)
    assert len(full_reads) == 1

    # New tags only: an earlier post of a known actor, a new actor, another narrative, and
    # a post outside the frame. Read from what was kept, the same as a full read.
    tag(db, "a0", "2", "sedition", 0.9)
    tag(db, "a3", "1", "sedition", 0.9)
    tag(db, "a2", "1", "staged_incident", 0.9)
    tag(db, "a3", "2", "sedition", 0.9)
    found = _kept(db, event)
    assert len(full_reads) == 1
    assert found == _full(db, event)
    assert _who(found)["sedition"] == [("Actor 0", post_id(db, "a0", "2")),
                                       ("Actor 1", post_id(db, "a1", "1")),
                                       ("Actor 3", post_id(db, "a3", "1"))]
    assert _kept(db, event) == found and len(full_reads) == 1  # nothing new: nothing read

    label(db, "a1", "1", "sedition", "reject")  # a rejection takes Actor 1 out
    found = _kept(db, event)
    assert len(full_reads) == 2 and found == _full(db, event)
    assert [a["actor"] for a in found["sedition"]] == ["Actor 0", "Actor 3"]

    with db.connection() as conn:  # Actor 3 moves to another camp
        catalog.upsert_actor(conn, catalog.ActorSpec("Actor 3", "iran_official_media"))
    found = _kept(db, event)
    assert len(full_reads) == 3 and found == _full(db, event)
    assert found["sedition"][-1]["group"] == "iran_official_media"

    with db.connection() as conn:  # a tag committed late: written before the last read
        conn.execute("""INSERT INTO tags (post_id, narrative, score, method, model_version,
                                          tagged_at)
                        VALUES (%(p)s, 'staged_incident', 0.9, 'test', 'test-1',
                                now() - interval '1 hour')""",
                     {"p": post_id(db, "a1", "1")})
    found = _kept(db, event)
    assert len(full_reads) == 4 and found == _full(db, event)
    assert [a["actor"] for a in found["staged_incident"]] == ["Actor 1", "Actor 2"]

    # A rival event that names what Actor 2 posted takes that post.
    add_event(db, "Rocket attack", at(T0) + timedelta(hours=4),
              keywords={"en": ["three"]})
    found = _kept(db, event)
    assert len(full_reads) == 5 and found == _full(db, event)

    with db.connection() as conn:  # a deleted post
        conn.execute("DELETE FROM posts WHERE id = %(p)s", {"p": post_id(db, "a0", "2")})
    found = _kept(db, event)
    assert len(full_reads) == 6 and found == _full(db, event)
    assert found["sedition"][0]["post_id"] == post_id(db, "a0", "1")
