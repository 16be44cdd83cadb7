"""Event-anchored adoption measures (DESIGN §4), computed in PostgreSQL.

An actor *adopts* narrative n at its earliest post carrying n in [T0, T0 + post window]
that answers this event (post carries n: model score >= the narrative's threshold or a
current analyst confirmation, and no current analyst rejection; only sources with role
'actor' count — see view narrative_adoptions; which event a post answers when events
overlap: storage.convergence.attribution). Earlier posts in [T0 - pre window, T0) are
pre-positioning (storage.convergence.prepositioned), never adopters.

The convergence score (SQL function convergence_score, migration 030) is

    score = 0.6 * E / (E + k)  +  0.4 * (1 - 1 / G)

where E = sum over adopters of 2^(-lag_hours / 12) — every adopter adds to it and an
earlier adopter adds more (a half-life of 12 hours) — k is the time-to-k parameter
(default 3: E = k gives half of the breadth term), and G = groups_24h, the distinct actor
groups among adopters within 24 hours (the diversity term is 0 for one group or none).
The score is 0 with no adopters, stays below 1, and grows with every added adopter, every
added group and every hour an adopter comes sooner.
"""

from __future__ import annotations

from typing import Any

from storage.convergence.attribution import NO_RIVALS, Rivals, answered
from storage.convergence.common import Window, fetch
from storage.convergence.prepositioned import converged, prepositioned
from storage.database import Conn

_MEASURES = """
WITH cand AS MATERIALIZED (
    SELECT a.narrative, a.actor_id, a.actor, a.group_key, a.platform, a.post_id, a.posted_at,
           a.url
    FROM narrative_adoptions a
    WHERE a.posted_at >= %(t0)s AND a.posted_at <= %(post_end)s
      AND (%(narrative)s::text IS NULL OR a.narrative = %(narrative)s::text)
), """ + answered("cand", "post") + """, attributed AS MATERIALIZED (
    -- Every narrative post by an actor in the window, with the event it answers when
    -- another event competes for it (storage.convergence.attribution; NULL: this one).
    SELECT c.*, an.answers
    FROM cand c
    LEFT JOIN answered an ON an.post_id = c.post_id
), firsts AS (
    SELECT DISTINCT ON (c.narrative, c.actor_id) c.*
    FROM attributed c
    WHERE c.answers IS NULL OR c.answers = %(event_id)s
    ORDER BY c.narrative, c.actor_id, c.posted_at, c.post_id
), ordered AS (
    SELECT f.*, convergence_hours(%(t0)s, f.posted_at) AS lag,
           row_number() OVER (PARTITION BY f.narrative
                              ORDER BY f.posted_at, f.actor, f.post_id) AS ord
    FROM firsts f
), measures AS (
    -- Adopters come back as parallel arrays in lead–lag order (far cheaper to build and
    -- read than one JSON object each); adoption_measures zips them into entries. Every
    -- array says ORDER BY ord itself: a subquery's order is not kept (PostgreSQL 16 re-sorts
    -- the rows for its presorted aggregates, e.g. by group_key for count(DISTINCT)).
    SELECT narrative,
           array_agg(actor ORDER BY ord) AS actors,
           array_agg(group_key ORDER BY ord) AS groups,
           array_agg(convergence_iso(posted_at) ORDER BY ord) AS first_posts,
           array_agg(round(lag::numeric, 2) ORDER BY ord) AS lags,
           array_agg(platform ORDER BY ord) AS platforms,
           array_agg(url ORDER BY ord) AS urls,
           array_agg(post_id ORDER BY ord) AS post_ids,
           count(*) FILTER (WHERE lag <= 1) AS w1,
           count(*) FILTER (WHERE lag <= 6) AS w6,
           count(*) FILTER (WHERE lag <= 24) AS w24,
           count(*) FILTER (WHERE lag <= 72) AS w72,
           count(DISTINCT group_key) FILTER (WHERE lag <= 24) AS groups_24h,
           round((max(lag) FILTER (WHERE ord = %(k)s))::numeric, 2) AS time_to_k_hours,
           sum(power(2.0, -lag / 12.0)) AS weighted
    FROM ordered
    GROUP BY narrative
), elsewhere AS (
    -- Actors whose posts here all answer another event: listed apart, never counted.
    SELECT DISTINCT ON (c.narrative, c.actor_id) c.*,
           convergence_hours(%(t0)s, c.posted_at) AS lag
    FROM attributed c
    WHERE c.answers <> %(event_id)s
      AND NOT EXISTS (SELECT 1 FROM firsts f
                      WHERE f.narrative = c.narrative AND f.actor_id = c.actor_id)
    ORDER BY c.narrative, c.actor_id, c.posted_at, c.post_id
), apart AS (
    SELECT narrative,
           json_agg(json_build_object(
               'actor', actor, 'group', group_key, 'first_post_at', convergence_iso(posted_at),
               'lag_hours', round(lag::numeric, 2), 'platform', platform, 'url', url,
               'post_id', post_id, 'answers', answers)
               ORDER BY posted_at, actor, post_id) AS items
    FROM elsewhere
    GROUP BY narrative
)
SELECT n.key AS narrative, n.names ->> 'en' AS name, n.threshold,
       m.actors, m.groups, m.first_posts, m.lags, m.platforms, m.urls, m.post_ids,
       coalesce(m.w1, 0) AS w1, coalesce(m.w6, 0) AS w6,
       coalesce(m.w24, 0) AS w24, coalesce(m.w72, 0) AS w72,
       coalesce(m.groups_24h, 0) AS groups_24h,
       m.time_to_k_hours,
       round(coalesce(m.weighted, 0)::numeric, 4) AS weighted_adopters,
       round(convergence_score(m.weighted, m.groups_24h::integer, %(k)s)::numeric, 4) AS score,
       coalesce(ap.items, '[]') AS elsewhere
FROM narratives n
LEFT JOIN measures m ON m.narrative = n.key
LEFT JOIN apart ap ON ap.narrative = n.key
WHERE %(narrative)s::text IS NULL OR n.key = %(narrative)s::text
ORDER BY n.key
"""  # noqa: S608 - constant fragments only

# Observers (and sources without an actor) are shown apart and never counted.
_OBSERVERS = """
SELECT np.narrative, count(*) AS posts,
       jsonb_agg(DISTINCT jsonb_build_object(
           'platform', s.platform, 'handle', s.handle, 'actor', a.name,
           'group', a.group_key)) AS sources
FROM narrative_posts np
JOIN sources s ON s.id = np.source_id
LEFT JOIN actors a ON a.id = s.actor_id
WHERE np.posted_at >= %(t0)s AND np.posted_at <= %(post_end)s
  AND (s.role <> 'actor' OR s.actor_id IS NULL)
  AND (%(narrative)s::text IS NULL OR np.narrative = %(narrative)s::text)
GROUP BY np.narrative
"""


def adoption_measures(
    conn: Conn, window: Window, narrative: str | None, k: int,
    *, rivals: Rivals = NO_RIVALS, max_listed: int = 50,
) -> list[dict[str, Any]]:
    """Per narrative: adopters (lead–lag order), windows, groups, time to k, first mover,
    adopters_elsewhere (actors whose posts answer another event: {actor, group,
    first_post_at, lag_hours, platform, url, post_id, event}), converged, pre-positioned
    posts (storage.convergence.prepositioned), observers and score. Narratives without
    adopters are included. Without rivals (a period report) every post counts."""
    params = {**window.params(), **rivals.params(window), "narrative": narrative, "k": k}
    observers = {r["narrative"]: r for r in fetch(conn, _OBSERVERS, params)}
    result: list[dict[str, Any]] = []
    for row in fetch(conn, _MEASURES, params):
        key = row["narrative"]
        seen = observers.get(key)
        adopters = _adopters(row)
        elsewhere = row["elsewhere"]
        for item in elsewhere:
            item["event"] = rivals.describe(item.pop("answers"))
        result.append({
            "narrative": key,
            "name": row["name"],
            "threshold": round(float(row["threshold"]), 4),
            "adopters": adopters,
            "adopters_by_window": {
                "1h": int(row["w1"]), "6h": int(row["w6"]),
                "24h": int(row["w24"]), "72h": int(row["w72"]),
            },
            "groups_24h": int(row["groups_24h"]),
            "time_to_k_hours": _number(row["time_to_k_hours"]),
            "first_mover": adopters[0] if adopters else None,
            "adopters_elsewhere": elsewhere,
            "observers": {
                "posts": int(seen["posts"]) if seen else 0,
                "sources": seen["sources"] if seen else [],
            },
            "weighted_adopters": float(row["weighted_adopters"]),
            "score": float(row["score"]),
        })
    keys = [e["narrative"] for e in result if converged(e, k)]
    before = prepositioned(conn, window, narrative, rivals, keys, max_listed=max_listed)
    for entry in result:
        pre = before.get(entry["narrative"])
        entry["converged"] = entry["narrative"] in keys
        entry["prepositioned"] = pre["items"] if pre else []
        entry["prepositioned_other"] = pre["others"] if pre else []
        entry["prepositioned_posts"] = int(pre["posts"]) if pre else 0
        entry["prepositioned_actors"] = int(pre["actors"]) if pre else 0
    return result


def _adopters(row: dict[str, Any]) -> list[dict[str, Any]]:
    if not row["actors"]:
        return []
    columns = zip(row["actors"], row["groups"], row["first_posts"], row["lags"],
                  row["platforms"], row["urls"], row["post_ids"], strict=True)
    return [
        {"actor": actor, "group": group, "first_post_at": first, "lag_hours": float(lag),
         "platform": platform, "url": url, "post_id": int(post_id)}
        for actor, group, first, lag, platform, url, post_id in columns
    ]


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
