"""Pre-positioning (DESIGN §4): narrative posts by actors in [T0 - pre window, T0).

A pre-positioned post *matters* when its narrative then converges after the event (at
least k adopters answering the event, or a score of at least CONVERGED_SCORE), or when the
post names the event (its keywords: a warning of this very event). Those are listed in
`prepositioned`, earliest first (who laid the line down); the rest, in `prepositioned_other`
("other narrative posts before the event"), earliest first too. Each list holds at most
max_listed posts per narrative; `prepositioned_posts` and `prepositioned_actors` count every
post before the event, both lists together.

Nothing is hidden because it falls inside an earlier event's post-window: such a post may
answer that event as an adoption and still have laid the line down for this one (the
Green Zone storming on 5 November 2021 and the drone attack 35 hours later). Each item says
so: `answers_event` is the earlier event it answers as an adoption (storage.
convergence_attribution), or None, and `names_event` whether it names this event.

A pre-positioned post edited at or after T0 proves nothing about before
(`edited_after_event`): the platform's edit time says so, or a later version whose edit (or,
unknown, first sight) is after T0.
"""

from __future__ import annotations

from typing import Any

from storage.convergence.attribution import Rivals, answered
from storage.convergence.common import Window, fetch
from storage.database import Conn

# "Converges after the event", for pre-positioning that matters: adopters >= k or this score.
CONVERGED_SCORE = 0.5

_BEFORE = "a.narrative = c.key AND a.posted_at >= %(pre_start)s AND a.posted_at < %(t0)s"
_NAMES = "convergence_names(a.post_id, %(anchor_pattern)s::text)"
_COLUMNS = "a.post_id, a.posted_at, a.actor, a.group_key, a.platform"
_ITEM = """json_build_object(
           'actor', l.actor, 'group', l.group_key, 'platform', l.platform,
           'posted_at', convergence_iso(l.posted_at),
           'hours_before', round(convergence_hours(l.posted_at, %(t0)s)::numeric, 2),
           'edited_after_event', l.edited_after,
           'edited_at', convergence_iso(l.edited_at),
           'versions', l.version_count,
           'names_event', l.names_event, 'answers', l.answers,
           'url', l.url, 'post_id', l.post_id, 'text', l.text)"""

# Constant fragments only. Each lateral reads narrative_posts_time_idx in time order and
# stops at max_listed.
_PREPOSITIONED = (
    """
WITH chosen AS (
    SELECT key, key = ANY (%(converged)s::text[]) AS converged FROM narratives
    WHERE %(narrative)s::text IS NULL OR key = %(narrative)s::text
), totals AS (
    -- Two hash aggregates rather than count(DISTINCT), which would sort every post.
    SELECT narrative, sum(posts) AS posts, count(*) AS actors
    FROM (SELECT a.narrative, a.actor_id, count(*) AS posts
          FROM narrative_adoptions a
          WHERE a.posted_at >= %(pre_start)s AND a.posted_at < %(t0)s
            AND a.narrative IN (SELECT key FROM chosen)
          GROUP BY a.narrative, a.actor_id) per_actor
    GROUP BY narrative
), picked AS (
    -- The converged narratives' earliest posts; the others' posts naming the event (only
    -- when it has keywords), then their other posts. Each gate is decided per narrative
    -- before its lateral reads a row.
    SELECT c.key AS narrative, pre.*, true AS matters
    FROM chosen c
    CROSS JOIN LATERAL (
        SELECT """ + _COLUMNS + """ FROM narrative_adoptions a
        WHERE """ + _BEFORE + """
        ORDER BY a.posted_at, a.post_id LIMIT %(max_listed)s) pre
    WHERE c.converged
    UNION ALL
    SELECT c.key, pre.*, true
    FROM chosen c
    CROSS JOIN LATERAL (
        SELECT """ + _COLUMNS + """ FROM narrative_adoptions a
        WHERE """ + _BEFORE + " AND " + _NAMES + """
        ORDER BY a.posted_at, a.post_id LIMIT %(max_listed)s) pre
    WHERE NOT c.converged AND %(anchor_pattern)s::text IS NOT NULL
    UNION ALL
    SELECT c.key, pre.*, false
    FROM chosen c
    CROSS JOIN LATERAL (
        SELECT """ + _COLUMNS + """ FROM narrative_adoptions a
        WHERE """ + _BEFORE + " AND NOT " + _NAMES + """
        ORDER BY a.posted_at, a.post_id LIMIT %(max_listed)s) pre
    WHERE NOT c.converged
), """ + answered("picked", "pre") + """, listed AS (
    SELECT pk.*, p.url, left(p.text, 280) AS text, p.edited_at, p.version_count,
           convergence_names(pk.post_id, %(anchor_pattern)s::text) AS names_event,
           an.answers,
           -- OFFSET 0: an index lookup per listed post, never a hashed scan of every
           -- version (which the planner picks while post_versions looks small).
           coalesce(p.edited_at >= %(t0)s, false) OR (p.version_count > 1 AND EXISTS (
               SELECT 1 FROM post_versions v
               WHERE v.post_id = p.id AND v.version > 1
                 AND coalesce(v.edited_at, v.seen_at) >= %(t0)s OFFSET 0)) AS edited_after
    FROM picked pk
    JOIN posts p ON p.id = pk.post_id
    LEFT JOIN answered an ON an.post_id = pk.post_id
)
SELECT t.narrative, t.posts, t.actors,
       coalesce(json_agg(""" + _ITEM + """ ORDER BY l.posted_at, l.post_id)
                FILTER (WHERE l.matters), '[]') AS items,
       coalesce(json_agg(""" + _ITEM + """ ORDER BY l.posted_at, l.post_id)
                FILTER (WHERE NOT l.matters), '[]') AS others
FROM totals t
JOIN listed l ON l.narrative = t.narrative
GROUP BY t.narrative, t.posts, t.actors
""")  # noqa: S608


def converged(entry: dict[str, Any], k: int) -> bool:
    """Whether a narrative converged after the event (pre-positioning for it matters)."""
    return len(entry["adopters"]) >= k or float(entry["score"]) >= CONVERGED_SCORE


def prepositioned(
    conn: Conn, window: Window, narrative: str | None, rivals: Rivals,
    converged_keys: list[str], *, max_listed: int = 50,
) -> dict[str, dict[str, Any]]:
    """Per narrative with posts before the event: {'items': those that matter, 'others',
    'posts', 'actors'}; each item as documented in the module, answers_event resolved."""
    params = {**window.params(), **rivals.params(window), "narrative": narrative,
              "converged": converged_keys, "max_listed": max_listed}
    found: dict[str, dict[str, Any]] = {}
    for row in fetch(conn, _PREPOSITIONED, params):
        for item in [*row["items"], *row["others"]]:
            answers = item.pop("answers")
            item["answers_event"] = None if answers == rivals.anchor else rivals.describe(answers)
        found[row["narrative"]] = row
    return found
