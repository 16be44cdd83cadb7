"""A convergence alert's adopters: the actors whose first post of a narrative in an event's
window answers that event, attributed exactly as the event report attributes them
(storage.convergence.attribution.answered), without the rest of the report (observers,
pre-positioning, scores): one index range and the attribution, a few milliseconds, so that
a rule can re-measure every touched pair every minute."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from storage.convergence.attribution import Rivals, answered
from storage.convergence.common import Window
from storage.database import Conn
from storage.rows import fetch_all


class Adopter(TypedDict):
    narrative: str
    actor: str
    group: str | None
    platform: str
    post_id: int
    posted_at: datetime
    url: str | None


_ADOPTERS = """
WITH cand AS MATERIALIZED (
    SELECT a.narrative, a.actor_id, a.actor, a.group_key, a.platform, a.post_id, a.posted_at,
           a.url
    FROM narrative_adoptions a
    WHERE a.posted_at >= %(t0)s AND a.posted_at <= %(post_end)s
), """ + answered("cand", "post") + """, firsts AS (
    SELECT DISTINCT ON (c.narrative, c.actor_id) c.*
    FROM cand c LEFT JOIN answered an ON an.post_id = c.post_id
    WHERE an.answers IS NULL OR an.answers = %(event_id)s
    ORDER BY c.narrative, c.actor_id, c.posted_at, c.post_id
)
SELECT narrative, actor, group_key AS "group", platform, post_id, posted_at, url
FROM firsts ORDER BY narrative, posted_at, actor, post_id
"""  # noqa: S608 - constant SQL


def adopters(conn: Conn, window: Window, rivals: Rivals) -> dict[str, list[Adopter]]:
    """The event's adopters within [t0, post_end], per narrative in lead-lag order (one
    query for every narrative: the rules of a run that watch one event share it)."""
    out: dict[str, list[Adopter]] = {}
    for row in fetch_all(conn, Adopter, _ADOPTERS, {**window.params(), **rivals.params(window)}):
        out.setdefault(row["narrative"], []).append(row)
    return out
