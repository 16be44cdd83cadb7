"""One narrative over a period: its figures, a timeline by actor group, adopters, examples.

Everything reads `narrative_posts` / `narrative_adoptions` (migration 030), which triggers
keep exact on every tag and label change: an analyst's confirmation shows at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

_FIGURES = """
SELECT count(*) AS posts,
       count(*) FILTER (WHERE s.role = 'actor' AND s.actor_id IS NOT NULL) AS adopting_posts,
       count(DISTINCT s.actor_id) FILTER (WHERE s.role = 'actor') AS actors,
       count(DISTINCT a.group_key) FILTER (WHERE s.role = 'actor') AS groups,
       count(*) FILTER (WHERE np.via = 'analyst') AS confirmed_by_analysts,
       min(np.posted_at) AS first_post_at, max(np.posted_at) AS last_post_at
FROM narrative_posts np
JOIN sources s ON s.id = np.source_id
LEFT JOIN actors a ON a.id = s.actor_id
WHERE np.narrative = %(narrative)s
  AND np.posted_at >= %(since)s AND np.posted_at < %(until)s
"""

# Every source's posts count in the timeline; observers are stacked under their own group.
_TIMELINE = """
SELECT convergence_day(np.posted_at) AS day, coalesce(a.group_key, 'unassigned') AS "group",
       count(*) AS posts
FROM narrative_posts np
JOIN sources s ON s.id = np.source_id
LEFT JOIN actors a ON a.id = s.actor_id
WHERE np.narrative = %(narrative)s
  AND np.posted_at >= %(since)s AND np.posted_at < %(until)s
GROUP BY 1, 2
ORDER BY 1, 2
"""

_ADOPTERS = """
SELECT * FROM (
    SELECT DISTINCT ON (actor_id) actor_id, actor, group_key AS "group", platform, handle,
           post_id, posted_at AS first_post_at, via
    FROM narrative_adoptions
    WHERE narrative = %(narrative)s AND posted_at >= %(since)s AND posted_at < %(until)s
    ORDER BY actor_id, posted_at, post_id
) first_use
ORDER BY first_post_at, actor
"""

_EXAMPLES = """
SELECT p.id, p.platform, p.lang, p.posted_at, p.text, p.url, s.handle, a.name AS actor,
       a.group_key AS "group", np.via, np.score, t.evidence
FROM narrative_posts np
JOIN posts p ON p.id = np.post_id
JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id
LEFT JOIN tags t ON t.post_id = np.post_id AND t.narrative = np.narrative
WHERE np.narrative = %(narrative)s
  AND np.posted_at >= %(since)s AND np.posted_at < %(until)s
ORDER BY (np.via = 'analyst') DESC, np.score DESC NULLS LAST, np.posted_at
LIMIT %(limit)s
"""


def find_narrative(conn: psycopg.Connection[Any], key: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = conn.execute(
        "SELECT key, names, descriptions, threshold FROM narratives WHERE key = %(key)s",
        {"key": key},
    ).fetchone()
    return row


def newest_narrative_post(conn: psycopg.Connection[Any], key: str) -> datetime | None:
    row = conn.execute(
        "SELECT max(posted_at) AS at FROM narrative_posts WHERE narrative = %(key)s",
        {"key": key},
    ).fetchone()
    return row["at"] if row else None


def figures(conn: psycopg.Connection[Any], key: str, since: datetime,
            until: datetime) -> dict[str, Any]:
    row = conn.execute(_FIGURES, {"narrative": key, "since": since, "until": until}).fetchone()
    return dict(row) if row else {}


def timeline(conn: psycopg.Connection[Any], key: str, since: datetime,
             until: datetime) -> list[dict[str, Any]]:
    """Posts carrying the narrative per UTC day and actor group."""
    return conn.execute(_TIMELINE, {"narrative": key, "since": since, "until": until}).fetchall()


def adopters(conn: psycopg.Connection[Any], key: str, since: datetime,
             until: datetime) -> list[dict[str, Any]]:
    """Each adopting actor's first post carrying the narrative in the period, earliest first."""
    return conn.execute(_ADOPTERS, {"narrative": key, "since": since, "until": until}).fetchall()


def examples(conn: psycopg.Connection[Any], key: str, since: datetime, until: datetime,
             limit: int = 8) -> list[dict[str, Any]]:
    """Analyst-confirmed posts first, then the model's most confident ones."""
    return conn.execute(_EXAMPLES, {"narrative": key, "since": since, "until": until,
                                    "limit": limit}).fetchall()
