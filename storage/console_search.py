"""Full-text search over posts for the console, with filters, sorting, paging and export.

The query text is normalised exactly as posts are (classifiers.normalise) and matched against
the generated `search` tsvector ('simple' configuration, GIN index). Every filter is a fixed
SQL fragment with a named parameter; nothing the analyst types becomes SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import psycopg
from psycopg import sql

from classifiers.normalise import normalise

Sort = Literal["newest", "oldest", "relevance"]
SORTS: tuple[str, ...] = ("newest", "oldest", "relevance")
# Counting stops here: "10,000+" is as useful to an analyst as the exact figure, and cheaper.
COUNT_CAP = 10_000
# Relevance ranks the newest matches only, so that a common word costs what a rare one does.
RELEVANCE_WINDOW = 5_000

# DESIGN §4 membership (model over threshold or analyst confirmation, minus rejections) is
# kept exact by convergence's triggers in narrative_posts (migration 030).
CARRIES_NARRATIVE = """EXISTS (SELECT 1 FROM narrative_posts np
                        WHERE np.narrative = %(narrative)s AND np.post_id = p.id)"""

_FILTERS: dict[str, str] = {
    "query": "p.search @@ websearch_to_tsquery('simple', %(query)s)",
    "narrative": CARRIES_NARRATIVE,
    "actor": "a.name = %(actor)s",
    "group": "a.group_key = %(group)s",
    "platform": "p.platform = %(platform)s",
    "source": "lower(s.handle) = lower(%(source)s)",
    "lang": "p.lang = %(lang)s",
    "since": "p.posted_at >= %(since)s",
    "until": "p.posted_at < %(until)s",
}
_LABELLED = "EXISTS (SELECT 1 FROM labels l WHERE l.post_id = p.id)"

_ROW_COLUMNS = """p.id, p.platform, p.native_id, p.kind, p.url, p.lang, p.posted_at, p.text,
       p.deleted_seen_at, p.version_count, s.handle, s.role, a.name AS actor,
       a.group_key AS "group"
"""
_FROM = """FROM posts p
JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id"""

_TAGS_OF_PAGE = """
SELECT t.post_id, t.narrative, t.score, t.evidence, t.model_version,
       t.score >= n.threshold AS over_threshold
FROM tags t JOIN narratives n ON n.key = t.narrative
WHERE t.post_id = ANY(%(ids)s)
ORDER BY t.post_id, t.score DESC
"""
_LABELS_OF_PAGE = """
SELECT post_id, narrative, verdict, analyst, created_at FROM current_labels
WHERE post_id = ANY(%(ids)s)
"""
_CARRIED_OF_PAGE = """
SELECT post_id, narrative FROM narrative_posts WHERE post_id = ANY(%(ids)s) ORDER BY narrative
"""


@dataclass(frozen=True)
class SearchFilters:
    query: str = ""
    narrative: str | None = None
    actor: str | None = None
    group: str | None = None
    platform: str | None = None
    source: str | None = None
    lang: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    labelled: bool | None = None
    sort: Sort = "newest"

    @property
    def normalised_query(self) -> str:
        return normalise(self.query) if self.query.strip() else ""


@dataclass(frozen=True)
class SearchPage:
    rows: list[dict[str, Any]]
    total: int
    total_capped: bool
    has_more: bool


def _where(f: SearchFilters) -> tuple[sql.Composable, dict[str, Any]]:
    params: dict[str, Any] = {}
    clauses: list[sql.Composable] = []
    values: dict[str, Any] = {
        "query": f.normalised_query or None, "narrative": f.narrative, "actor": f.actor,
        "group": f.group, "platform": f.platform, "source": f.source, "lang": f.lang,
        "since": f.since, "until": f.until,
    }
    for name, value in values.items():
        if value is not None and value != "":
            clauses.append(sql.SQL(_FILTERS[name]))
            params[name] = value
    if f.labelled is True:
        clauses.append(sql.SQL(_LABELLED))
    elif f.labelled is False:
        clauses.append(sql.SQL("NOT " + _LABELLED))
    if not clauses:
        return sql.SQL(""), params
    return sql.SQL("WHERE ") + sql.SQL("\n  AND ").join(clauses), params


_RELEVANCE = sql.SQL("""WITH hits AS (
    SELECT {columns}, p.search
    {source}
    {where}
    ORDER BY p.posted_at DESC, p.id DESC LIMIT {window})
SELECT * FROM hits
ORDER BY ts_rank_cd(search, websearch_to_tsquery('simple', %(query)s)) DESC,
         posted_at DESC, id DESC""")
_BY_TIME = sql.SQL("""SELECT {columns}
{source}
{where}
ORDER BY p.posted_at {direction}, p.id {direction}""")
_COUNT = sql.SQL("SELECT count(*) AS n FROM (SELECT 1 {source} {where} LIMIT {cap}) AS hit")


def _ordered_select(f: SearchFilters, where: sql.Composable) -> sql.Composable:
    parts: dict[str, sql.Composable] = {
        "columns": sql.SQL(_ROW_COLUMNS), "source": sql.SQL(_FROM), "where": where}
    if f.sort == "relevance" and f.normalised_query:
        return _RELEVANCE.format(window=sql.Literal(RELEVANCE_WINDOW), **parts)
    direction = sql.SQL("ASC" if f.sort == "oldest" else "DESC")
    return _BY_TIME.format(direction=direction, **parts)


def search_posts(conn: psycopg.Connection[Any], f: SearchFilters, *, limit: int = 50,
                 offset: int = 0) -> SearchPage:
    """One page of matches, newest first by default, with their tags and current labels."""
    where, params = _where(f)
    query = _ordered_select(f, where) + sql.SQL("\nLIMIT %(limit)s OFFSET %(offset)s")
    rows = conn.execute(query, {**params, "limit": limit + 1, "offset": offset}).fetchall()
    has_more = len(rows) > limit
    rows = rows[:limit]
    count = _COUNT.format(source=sql.SQL(_FROM), where=where, cap=sql.Literal(COUNT_CAP + 1))
    counted = conn.execute(count, params).fetchone()
    total = int(counted["n"]) if counted else 0
    _attach_tags(conn, rows)
    for row in rows:
        row.pop("search", None)
    return SearchPage(rows, min(total, COUNT_CAP), total > COUNT_CAP, has_more)


def _attach_tags(conn: psycopg.Connection[Any], rows: list[dict[str, Any]]) -> None:
    ids = [int(r["id"]) for r in rows]
    tags: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    labels: dict[int, dict[str, dict[str, Any]]] = {i: {} for i in ids}
    carried: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for t in conn.execute(_TAGS_OF_PAGE, {"ids": ids}).fetchall():
            tags[int(t["post_id"])].append(t)
        for lab in conn.execute(_LABELS_OF_PAGE, {"ids": ids}).fetchall():
            labels[int(lab["post_id"])][str(lab["narrative"])] = lab
        for c in conn.execute(_CARRIED_OF_PAGE, {"ids": ids}).fetchall():
            carried[int(c["post_id"])].append(str(c["narrative"]))
    for row in rows:
        row["tags"] = tags[int(row["id"])]
        row["labels"] = labels[int(row["id"])]
        row["narratives"] = carried[int(row["id"])]
        row["evidence"] = [t["evidence"] for t in row["tags"]
                           if t["narrative"] in row["narratives"]
                           and isinstance(t["evidence"], dict)]


def export_posts(conn: psycopg.Connection[Any], f: SearchFilters,
                 cap: int) -> list[dict[str, Any]]:
    """Every match up to `cap`, in the page order, each with the narratives it carries."""
    where, params = _where(f)
    query = _ordered_select(f, where) + sql.SQL("\nLIMIT %(limit)s")
    rows = conn.execute(query, {**params, "limit": cap}).fetchall()
    for start in range(0, len(rows), 1000):
        _attach_tags(conn, rows[start:start + 1000])
    for row in rows:
        row.pop("search", None)
    return rows
