"""A convergence alert's adopters: the actors whose first post of a narrative in an event's
window answers that event, attributed exactly as the event report attributes them
(storage.convergence.attribution.answered), without the rest of the report (observers,
pre-positioning, scores): one index range and the attribution, so that a rule can
re-measure every touched pair every minute.

Two reads, each one statement (one snapshot) with the frame's fingerprint beside it
(monitor/alerts/adopter_state.py keeps the adopters between runs):
- `measure`: every adopter in the frame;
- `changes`: only the first posts among adoptions whose tag was written since the last read,
  with what tells whether anything else in the frame changed: its rows now and how many of
  them have those new tags, labels written since on its posts, and a checksum of the
  sources and actors that decide who is an actor and in which camp.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import LiteralString, TypedDict

from storage.convergence.attribution import Rivals, answered
from storage.convergence.common import Window
from storage.database import Conn
from storage.rows import fetch_all


class Adopter(TypedDict):
    narrative: str
    actor_id: int
    actor: str
    group: str | None
    platform: str
    post_id: int
    posted_at: datetime
    url: str | None


class Fingerprint(TypedDict):
    frame_rows: int  # adoption rows (narrative_adoptions) in the frame
    tagged_new: int  # of them, rows whose tag was written since the last read
    labelled: bool  # a label was written since the last read on a post in the frame
    catalog: int  # checksum of the sources' actors and roles and the actors' camps
    read_at: datetime  # when the read began: a tag written later was not in it


class _Row(TypedDict):
    frame_rows: int
    tagged_new: int
    labelled: bool
    catalog: int
    read_at: datetime
    narrative: str | None
    actor_id: int | None
    actor: str | None
    group: str | None
    platform: str | None
    post_id: int | None
    posted_at: datetime | None
    url: str | None


_NEW_TAGS = """(SELECT DISTINCT post_id, narrative FROM tags WHERE tagged_at > %(since)s)"""

# The frame's adoption rows, counted as the view reads them (actor sources only).
_FRAME_ROWS = """(SELECT count(*) FROM narrative_adoptions
     WHERE posted_at >= %(t0)s AND posted_at <= %(post_end)s)"""

_FINGERPRINT = """fingerprint AS (
    SELECT {frame_rows}::int AS frame_rows, {tagged_new}::int AS tagged_new,
           EXISTS (SELECT 1 FROM labels l JOIN posts p ON p.id = l.post_id
                   WHERE l.created_at > %(since)s
                     AND p.posted_at >= %(t0)s AND p.posted_at <= %(post_end)s) AS labelled,
           (SELECT coalesce(bit_xor(hashtextextended(
                       concat_ws(':', s.id, s.actor_id, s.role, a.name, a.group_key), 0)), 0)
            FROM sources s LEFT JOIN actors a ON a.id = s.actor_id) AS catalog,
           statement_timestamp() AS read_at
)"""


def _query(rows: LiteralString, frame_rows: LiteralString, tagged_new: LiteralString
           ) -> LiteralString:
    """cand: the adoption rows read (all in the frame, or those with new tags)."""
    fingerprint = _FINGERPRINT.replace("{frame_rows}", frame_rows).replace(
        "{tagged_new}", tagged_new)
    return """
WITH cand AS MATERIALIZED (
    SELECT a.narrative, a.actor_id, a.actor, a.group_key, a.platform, a.post_id, a.posted_at,
           a.url
    FROM """ + rows + """
    WHERE a.posted_at >= %(t0)s AND a.posted_at <= %(post_end)s
), """ + answered("cand", "post") + """, firsts AS (
    SELECT DISTINCT ON (c.narrative, c.actor_id) c.*
    FROM cand c LEFT JOIN answered an ON an.post_id = c.post_id
    WHERE an.answers IS NULL OR an.answers = %(event_id)s
    ORDER BY c.narrative, c.actor_id, c.posted_at, c.post_id
), """ + fingerprint + """
SELECT fp.frame_rows, fp.tagged_new, fp.labelled, fp.catalog, fp.read_at, f.narrative,
       f.actor_id, f.actor, f.group_key AS "group", f.platform, f.post_id, f.posted_at, f.url
FROM fingerprint fp LEFT JOIN firsts f ON true
ORDER BY f.narrative, f.posted_at, f.actor, f.post_id
"""  # noqa: S608 - constant SQL


_MEASURE = _query("narrative_adoptions a", "(SELECT count(*) FROM cand)", "0")
_CHANGES = _query(_NEW_TAGS + """ t
    JOIN narrative_adoptions a ON a.post_id = t.post_id AND a.narrative = t.narrative""",
                  _FRAME_ROWS, "(SELECT count(*) FROM cand)")


def _read(conn: Conn, query: LiteralString, window: Window, rivals: Rivals, since: datetime
          ) -> tuple[dict[str, list[Adopter]], Fingerprint]:
    out: dict[str, list[Adopter]] = {}
    found = fetch_all(conn, _Row, query, {**window.params(), **rivals.params(window),
                                          "since": since})
    for r in found:
        if r["narrative"] is None or r["actor_id"] is None or r["actor"] is None \
                or r["platform"] is None or r["post_id"] is None or r["posted_at"] is None:
            continue  # the fingerprint's row when there is no adopter
        out.setdefault(r["narrative"], []).append(Adopter(
            narrative=r["narrative"], actor_id=r["actor_id"], actor=r["actor"],
            group=r["group"], platform=r["platform"], post_id=r["post_id"],
            posted_at=r["posted_at"], url=r["url"]))
    first = found[0]
    return out, Fingerprint(frame_rows=first["frame_rows"], tagged_new=first["tagged_new"],
                            labelled=first["labelled"], catalog=first["catalog"],
                            read_at=first["read_at"])


def measure(conn: Conn, window: Window, rivals: Rivals
            ) -> tuple[dict[str, list[Adopter]], Fingerprint]:
    """The event's adopters within [t0, post_end], per narrative in lead-lag order (one
    query for every narrative: the rules of a run that watch one event share it), and the
    frame's fingerprint as of the same snapshot."""
    return _read(conn, _MEASURE, window, rivals, datetime.max.replace(tzinfo=UTC))


def changes(conn: Conn, window: Window, rivals: Rivals, since: datetime
            ) -> tuple[dict[str, list[Adopter]], Fingerprint]:
    """The first posts per narrative and actor among the frame's adoptions tagged after
    `since` (the read_at of the last read) that answer the event, and the frame's
    fingerprint, in one snapshot."""
    return _read(conn, _CHANGES, window, rivals, since)

