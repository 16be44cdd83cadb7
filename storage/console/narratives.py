"""One narrative over a period: its figures, a timeline by actor group, adopters, examples.

Everything reads `narrative_posts` / `narrative_adoptions` (migration 030), which triggers
keep exact on every tag and label change: an analyst's confirmation shows at once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TypedDict

from storage.database import Conn
from storage.rows import JsonObject, fetch_all, fetch_one, fetch_row, value_or_none


class NarrativeText(TypedDict):
    key: str
    names: dict[str, str]  # language -> name
    descriptions: dict[str, str]
    threshold: float


class Figures(TypedDict):
    posts: int
    adopting_posts: int
    actors: int
    groups: int
    confirmed_by_analysts: int
    first_post_at: datetime | None
    last_post_at: datetime | None


class TimelineRow(TypedDict):
    day: date
    group: str
    posts: int


class Adopter(TypedDict):
    """An actor's first post carrying the narrative in the period."""

    actor_id: int
    actor: str
    group: str
    platform: str
    handle: str
    post_id: int
    first_post_at: datetime
    via: str


class Example(TypedDict):
    id: int
    platform: str
    lang: str | None
    posted_at: datetime
    text: str
    url: str | None
    handle: str
    actor: str | None
    group: str | None
    via: str
    score: float | None
    evidence: JsonObject | None


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


def find_narrative(conn: Conn, key: str) -> NarrativeText | None:
    return fetch_one(
        conn, NarrativeText,
        "SELECT key, names, descriptions, threshold FROM narratives WHERE key = %(key)s",
        {"key": key})


def newest_narrative_post(conn: Conn, key: str) -> datetime | None:
    return value_or_none(
        conn, datetime,
        "SELECT max(posted_at) AS at FROM narrative_posts WHERE narrative = %(key)s",
        {"key": key})


def figures(conn: Conn, key: str, since: datetime, until: datetime) -> Figures:
    return fetch_row(conn, Figures, _FIGURES, {"narrative": key, "since": since, "until": until})


def timeline(conn: Conn, key: str, since: datetime, until: datetime) -> list[TimelineRow]:
    """Posts carrying the narrative per UTC day and actor group."""
    return fetch_all(conn, TimelineRow, _TIMELINE,
                     {"narrative": key, "since": since, "until": until})


def adopters(conn: Conn, key: str, since: datetime, until: datetime) -> list[Adopter]:
    """Each adopting actor's first post carrying the narrative in the period, earliest first."""
    return fetch_all(conn, Adopter, _ADOPTERS, {"narrative": key, "since": since, "until": until})


def examples(conn: Conn, key: str, since: datetime, until: datetime,
             limit: int = 8) -> list[Example]:
    """Analyst-confirmed posts first, then the model's most confident ones."""
    return fetch_all(conn, Example, _EXAMPLES,
                     {"narrative": key, "since": since, "until": until, "limit": limit})
