"""Which event an adoption answers when events overlap (DESIGN §4 `attribution`).

Confirmed events are days apart in Iraq but their post-windows overlap (the Green Zone
storming attempt of 5 November 2021 is still open when the drone attack comes 35 hours
later), so one post can fall after several events. An event is open for OPEN (72 h) after
it. The rule, applied to every narrative post an event report counts (answered() below,
one set-based step over the report's posts):

1. A post answers an open event it refers to: its text names one of the event's keywords or
   aliases (en/ar/fa: `chorus events add --keywords`, seeds/events.toml), matched on the
   post's normalised tokens (storage.event_keywords). When it names several open events,
   the latest of them: the newest event is the one the talk is about.
2. Otherwise it answers the earliest event still open, so a later event never takes an
   adopter that does not name it.

Only confirmed events compete (candidates and dismissed ones never take an adopter), plus
the report's own event whatever its status. The report's adopters are the actors with a post
answering its event; actors whose posts in the window all answer another event are listed
apart (`adopters_elsewhere`, with that event). A post before an event cannot answer it, but
one that names it is pre-positioning that matters for it (storage.convergence.prepositioned)
even inside an earlier event's window, where it stays an adoption of that earlier event;
pre-positioned posts say which earlier event they answer (`answers_event`). OPEN is fixed
rather than taken from a report's own post-window so that every report attributes a post
the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, LiteralString

from storage.convergence.common import Window, fetch, iso
from storage.database import Conn

OPEN = timedelta(hours=72)

_RIVALS = """
SELECT id, name, occurred_at, convergence_event_pattern(id) AS pattern
FROM events
WHERE (status = 'confirmed' OR id = %(event_id)s)
  AND occurred_at >= %(since)s AND occurred_at <= %(until)s
ORDER BY occurred_at, id
"""


def answered(base: LiteralString, side: LiteralString) -> LiteralString:
    """A CTE `answered (post_id, answers)`: the event each post of CTE `base` (post_id,
    posted_at) answers among the events passed as %(<side>_ids)s, _times and _patterns:
    the latest open event it names, else the earliest open one (no row: none is open).
    Nothing is read unless %(<side>_contested)s."""
    return (
        """answered AS (
    SELECT DISTINCT ON (b.post_id) b.post_id, r.id AS answers
    FROM (SELECT DISTINCT post_id, posted_at FROM """ + base + """
          WHERE %(""" + side + """_contested)s) b
    JOIN unnest(%(""" + side + """_ids)s::bigint[], %(""" + side + """_times)s::timestamptz[],
                %(""" + side + """_patterns)s::text[]) AS r (id, t0, pattern)
      ON b.posted_at >= r.t0 AND b.posted_at <= r.t0 + %(open)s
    CROSS JOIN LATERAL (
        -- convergence_names, written out: a call per row costs more than the test itself.
        SELECT r.pattern IS NOT NULL AND EXISTS (
                   SELECT 1 FROM post_features f
                   WHERE f.post_id = b.post_id
                     AND ' ' || array_to_string(f.tokens, ' ') ~ r.pattern) AS named
    ) m
    ORDER BY b.post_id, m.named DESC,
             CASE WHEN m.named THEN -extract(epoch FROM r.t0) ELSE extract(epoch FROM r.t0) END,
             r.id
)""")  # noqa: S608 - base and side are constants of the callers


@dataclass(frozen=True)
class Rival:
    id: int
    name: str
    occurred_at: datetime
    pattern: str | None


@dataclass(frozen=True)
class Rivals:
    """The events a report's posts could answer, around the report's window."""

    anchor: int | None
    events: tuple[Rival, ...]

    def _side(self, side: str, chosen: list[Rival]) -> dict[str, Any]:
        # Attribution changes nothing unless another event than the report's competes.
        return {f"{side}_ids": [r.id for r in chosen],
                f"{side}_times": [r.occurred_at for r in chosen],
                f"{side}_patterns": [r.pattern for r in chosen],
                f"{side}_contested": any(r.id != self.anchor for r in chosen)}

    def params(self, window: Window) -> dict[str, Any]:
        """SQL parameters for answered(): `post` for the post window, `pre` for the
        pre-window, each with only the events that can take a post there: the report's own
        event, those open when its window starts (an earlier one takes every post that
        names nothing), later ones with keywords (they take only posts that name them) and,
        if the window outlasts the report's event, every event open in it. A post that
        answers none of them (every event open at its time closed) counts for the report."""
        anchor = next((r for r in self.events if r.id == self.anchor), None)
        outlasts = window.post_end > window.t0 + OPEN
        post = [r for r in self.events
                if r.id == self.anchor
                or window.t0 - OPEN <= r.occurred_at <= window.t0
                or ((r.pattern is not None or outlasts) and r.occurred_at <= window.post_end)]
        pre = [r for r in self.events if window.pre_start - OPEN <= r.occurred_at < window.t0]
        return {"event_id": self.anchor, "open": OPEN,
                "anchor_pattern": anchor.pattern if anchor else None,
                **self._side("post", post), **self._side("pre", pre)}

    def describe(self, event_id: int | None) -> dict[str, Any] | None:
        """{id, name, occurred_at} of one of these events (None for None)."""
        found = next((r for r in self.events if r.id == event_id), None)
        if found is None:
            return None
        return {"id": found.id, "name": found.name, "occurred_at": iso(found.occurred_at)}


NO_RIVALS = Rivals(None, ())


def rivals(conn: Conn, event_id: int, window: Window) -> Rivals:
    """The report's event and every confirmed event that could take one of its posts."""
    rows = fetch(conn, _RIVALS, {"event_id": event_id, "since": window.pre_start - OPEN,
                                 "until": window.post_end})
    return Rivals(event_id, tuple(
        Rival(int(r["id"]), str(r["name"]), r["occurred_at"], r["pattern"]) for r in rows))
