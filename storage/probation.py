"""Candidates on probation (migration 133): collected as observers until a set time, then
shown for a decision with what they posted."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from storage.database import Conn
from storage.rows import fetch_all


class OnProbation(TypedDict):
    cited_platform: str
    cited_key: str
    label: str
    source_id: int
    handle: str
    decided_at: datetime
    probation_until: datetime
    due: bool  # the probation is over: the analyst decides
    posts: int  # collected since the probation began
    last_post_at: datetime | None


def on_probation(conn: Conn, now: datetime) -> list[OnProbation]:
    """Every candidate on probation, those due for a decision first."""
    return fetch_all(
        conn, OnProbation,
        """SELECT d.cited_platform, d.cited_key, d.label, s.id AS source_id, s.handle,
                  d.decided_at, d.probation_until, d.probation_until <= %(now)s AS due,
                  count(p.id) AS posts, max(p.posted_at) AS last_post_at
           FROM source_candidate_decisions d
           JOIN sources s ON s.id = d.source_id
           LEFT JOIN posts p ON p.source_id = s.id AND p.first_seen_at >= d.decided_at
           WHERE d.decision = 'probation'
           GROUP BY d.cited_platform, d.cited_key, d.label, s.id, s.handle, d.decided_at,
                    d.probation_until
           ORDER BY d.probation_until <= %(now)s DESC, d.probation_until, d.cited_key""",
        {"now": now})


def deactivate(conn: Conn, source_id: int) -> None:
    """Stop collecting a source (its posts stay as evidence)."""
    conn.execute("UPDATE sources SET active = false, updated_at = now() WHERE id = %(id)s",
                 {"id": source_id})
