"""How unusual a convergence is (DESIGN §4 `significance`): the same measure at placebo times.

After a shock everyone posts, so "11 actors within 24 h" means little without how many of
the same actors take up the narrative in 24 h on ordinary days. For an event at T0 and a
narrative, the observed value is adopters_by_window['24h'] (actors answering the event
within 24 h). The placebo instants are PLACEBO_DRAWS (200) instants drawn uniformly from
the trailing TRAILING (90) days [T0 - 90 d, T0) by a generator seeded with the event's id,
so a report gives the same figures every time for the same data. An instant s is usable
when its window [s, s + 24 h] lies inside the period the sources were collected (the first
to the last stored post) and no confirmed event, nor this one, lies within QUIET (72 h) of
s. At each usable instant the measure is the same as the observed one, over the same
actors: distinct actors (sources with role 'actor', as for adopters) with a post carrying
the narrative in [s, s + 24 h].

- expected_24h: the mean over the placebo windows;
- placebo_p: (1 + windows at least as high as observed) / (1 + windows), the share of
  placebo windows at least as high with the +1 correction (never 0);
- lift: observed / max(expected_24h, EXPECTED_FLOOR);
- placebo_windows: how many instants were usable; with fewer than MIN_WINDOWS (20)
  placebo_p is None and `note` says why (expected_24h and lift are still given when there
  is at least one window).

The counts come from one statement: for every instant and narrative, the distinct actors
over one index range of narrative_posts (about 0.2 s for 9 narratives at the density of 5
million posts over two years). They are cached per event and narrative in
convergence_placebo (migration 091), with the instants' digest and the snapshot they were
read in; a logged change to the days they read that the snapshot did not see makes the row
stale, so the cache is never wrong, only recomputed.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg

from storage.convergence.common import fetch
from storage.database import Conn

PLACEBO_DRAWS = 200
TRAILING = timedelta(days=90)
QUIET = timedelta(hours=72)
WIDTH = timedelta(hours=24)
MIN_WINDOWS = 20
EXPECTED_FLOOR = 0.1
# Logged changes older than this are pruned, once the cached rows they invalidate are gone
# (a cached row is only missed by this if a writer's transaction stayed open for longer).
LOG_KEPT = timedelta(days=7)

_FRAME = """
SELECT (SELECT min(posted_at) FROM posts) AS first_post,
       (SELECT max(posted_at) FROM posts) AS last_post,
       ARRAY(SELECT occurred_at FROM events
             WHERE (status = 'confirmed' OR id = %(event_id)s)
               AND occurred_at >= %(since)s AND occurred_at <= %(until)s
             ORDER BY occurred_at) AS events,
       current_setting('transaction_read_only') = 'off'
           AND EXISTS (SELECT 1 FROM convergence_placebo_changes
                       WHERE logged_at < now() - %(kept)s) AS prunable
"""

_CACHED = """
SELECT c.narrative, c.counts
FROM convergence_placebo c
WHERE c.event_id = %(event_id)s AND c.instants_key = %(key)s
  AND c.narrative = ANY (%(narratives)s::text[])
  AND NOT EXISTS (
      SELECT 1 FROM convergence_placebo_changes l
      WHERE l.day_from <= c.day_to AND l.day_to >= c.day_from
        AND NOT pg_visible_in_snapshot(l.xid, c.snap))
"""

# One index range per instant and narrative (narrative_posts_time_idx, index only), the
# distinct actors counted over each: about 200 x 9 small ranges, no sort of the whole span.
_COUNTS = """
WITH counted AS (
    SELECT n.narrative, array_agg(c.actors ORDER BY x.i) AS counts
    FROM unnest(%(instants)s::timestamptz[]) WITH ORDINALITY AS x (s, i)
    CROSS JOIN unnest(%(narratives)s::text[]) AS n (narrative)
    CROSS JOIN LATERAL (
        SELECT count(DISTINCT s.actor_id)::integer AS actors
        FROM narrative_posts np
        JOIN sources s ON s.id = np.source_id
        WHERE np.narrative = n.narrative
          AND np.posted_at >= x.s AND np.posted_at <= x.s + %(width)s
          AND s.role = 'actor' AND s.actor_id IS NOT NULL
    ) c
    GROUP BY n.narrative
)"""

_COMPUTE = _COUNTS + "\nSELECT narrative, counts FROM counted"

_COMPUTE_AND_CACHE = _COUNTS + """
INSERT INTO convergence_placebo AS c (event_id, narrative, instants_key, day_from, day_to,
                                      counts, snap)
SELECT %(event_id)s, narrative, %(key)s, %(day_from)s, %(day_to)s, counts,
       pg_current_snapshot()
FROM counted
ON CONFLICT (event_id, narrative) DO UPDATE SET
    instants_key = EXCLUDED.instants_key, day_from = EXCLUDED.day_from,
    day_to = EXCLUDED.day_to, counts = EXCLUDED.counts, snap = EXCLUDED.snap,
    computed_at = now()
RETURNING narrative, counts
"""

_PRUNE = """
WITH old AS (
    SELECT day_from, day_to, xid FROM convergence_placebo_changes
    WHERE logged_at < now() - %(kept)s
), stale AS (
    DELETE FROM convergence_placebo c
    USING old l
    WHERE l.day_from <= c.day_to AND l.day_to >= c.day_from
      AND NOT pg_visible_in_snapshot(l.xid, c.snap)
)
DELETE FROM convergence_placebo_changes WHERE logged_at < now() - %(kept)s
"""


@dataclass(frozen=True)
class Placebo:
    """The usable placebo instants of one event and what they read."""

    instants: tuple[datetime, ...]

    @property
    def key(self) -> str:
        text = f"{PLACEBO_DRAWS}/{TRAILING}/{QUIET}/{WIDTH}|" + ",".join(
            s.isoformat() for s in self.instants)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def params(self, event_id: int, narratives: list[str]) -> dict[str, Any]:
        lo, hi = min(self.instants), max(self.instants) + WIDTH
        return {"event_id": event_id, "key": self.key, "narratives": narratives,
                "instants": list(self.instants), "width": WIDTH, "lo": lo, "hi": hi,
                "day_from": lo.date(), "day_to": hi.date()}


def placebo_instants(event_id: int, t0: datetime, first_post: datetime | None,
                     last_post: datetime | None, events: list[datetime]) -> Placebo:
    """The usable instants, in draw order (see the module docstring)."""
    if first_post is None or last_post is None:
        return Placebo(())
    draws = random.Random(f"chorus-placebo/{event_id}")  # noqa: S311 - sampling, not secrets
    start = t0 - TRAILING
    usable = []
    for _ in range(PLACEBO_DRAWS):
        s = start + draws.random() * TRAILING
        if (first_post <= s and s + WIDTH <= last_post
                and all(abs(s - e) > QUIET for e in events)):
            usable.append(s)
    return Placebo(tuple(usable))


def significance(conn: Conn, event_id: int, t0: datetime,
                 observed: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Per narrative of `observed` (narrative -> adopters within 24 h): the significance
    entry {observed_24h, expected_24h, placebo_p, lift, placebo_windows, note}."""
    frame = fetch(conn, _FRAME, {"event_id": event_id, "since": t0 - TRAILING - QUIET,
                                 "until": t0 + QUIET, "kept": LOG_KEPT})[0]
    placebo = placebo_instants(event_id, t0, frame["first_post"], frame["last_post"],
                               list(frame["events"]))
    counts = _counts(conn, event_id, placebo, sorted(observed)) if placebo.instants else {}
    if frame["prunable"]:
        _prune(conn)
    return {key: _summary(value, counts.get(key, [])) for key, value in observed.items()}


def _counts(conn: Conn, event_id: int, placebo: Placebo,
            narratives: list[str]) -> dict[str, list[int]]:
    params = placebo.params(event_id, narratives)
    found = {r["narrative"]: list(r["counts"]) for r in fetch(conn, _CACHED, params)}
    missing = [n for n in narratives if n not in found]
    if missing:
        found.update(_computed(conn, placebo.params(event_id, missing)))
    return found


def _computed(conn: Conn, params: dict[str, Any]) -> dict[str, list[int]]:
    """Count and cache in one statement (one snapshot for both); where this connection may
    not write (a read-only transaction or role), count without caching."""
    try:
        with conn.transaction():
            rows = fetch(conn, _COMPUTE_AND_CACHE, params)
    except (psycopg.errors.ReadOnlySqlTransaction, psycopg.errors.InsufficientPrivilege):
        rows = fetch(conn, _COMPUTE, params)
    return {r["narrative"]: list(r["counts"]) for r in rows}


def _prune(conn: Conn) -> None:
    """Drop the log entries older than LOG_KEPT, and first the cached rows they make stale."""
    # A role that may not write leaves it to the next report that may.
    with contextlib.suppress(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute(_PRUNE, {"kept": LOG_KEPT})


def _summary(observed: int, counts: list[int]) -> dict[str, Any]:
    windows = len(counts)
    expected = sum(counts) / windows if windows else None
    enough = windows >= MIN_WINDOWS
    p = (1 + sum(1 for c in counts if c >= observed)) / (1 + windows) if enough else None
    note = None if enough else (
        f"only {windows} placebo window{'' if windows == 1 else 's'} (at least {MIN_WINDOWS} "
        "needed for placebo_p): "
        "the trailing 90 days hold too little collected time away from confirmed events")
    return {
        "observed_24h": observed,
        "expected_24h": None if expected is None else round(expected, 2),
        "placebo_p": None if p is None else round(p, 4),
        "lift": None if expected is None else round(observed / max(expected, EXPECTED_FLOOR), 2),
        "placebo_windows": windows,
        "note": note,
    }
