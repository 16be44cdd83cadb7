"""Full-text search over posts for the console, with filters, sorting, paging and export.

The query text is normalised exactly as posts are (classifiers.normalise) and matched against
the generated `search` tsvector ('simple' configuration, GIN index). Every filter is a fixed
SQL fragment with a named parameter; nothing the analyst types becomes SQL.

Speed on millions of posts comes from choosing the table that drives the scan: with a
narrative filter, `narrative_posts` in (narrative, posted_at) order (convergence keeps it
exact, migration 030); with "labelled", the few labelled posts; otherwise posts in time
order. Pages of time-sorted results are keyset pages (older/newer than the last row shown),
so page 200 costs what page 1 does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypedDict

from psycopg import sql

from classifiers.normalise import normalise
from storage.console.posts import PostSummary
from storage.database import Conn
from storage.rows import JsonObject, fetch_all, value

Sort = Literal["newest", "oldest", "relevance"]
SORTS: tuple[str, ...] = ("newest", "oldest", "relevance")
# Counting stops here: "more than 1,000" tells an analyst to narrow the search as well as an
# exact figure would, and costs a bounded scan.
COUNT_CAP = 1_000
# Relevance ranks the newest matches only, so that a common word costs what a rare one does.
RELEVANCE_WINDOW = 500
# Searches run unprepared (psycopg prepares a statement on its fifth run): PostgreSQL then
# switches to a generic plan that cannot see how common the searched words are, and a phrase
# search by relevance went from 90 ms to 270-300 ms at 5,500,000 posts (bench/console.py).
PLANNED_PER_SEARCH = False

# (FROM clause, time column, id column) per driving table.
_DRIVERS: dict[str, tuple[str, str, str]] = {
    "posts": ("""FROM posts p
JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id""", "p.posted_at", "p.id"),
    # DESIGN §4 membership, kept exact by convergence's triggers; np.posted_at = p.posted_at.
    # Source filters apply to np.source_id before any post is read.
    "narrative": ("""FROM narrative_posts np
JOIN sources s ON s.id = np.source_id
LEFT JOIN actors a ON a.id = s.actor_id
JOIN posts p ON p.id = np.post_id""", "np.posted_at", "np.post_id"),
    "labelled": ("""FROM (SELECT DISTINCT post_id FROM labels) lab
JOIN posts p ON p.id = lab.post_id
JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id""", "p.posted_at", "p.id"),
}

_FILTERS: dict[str, str] = {
    # The post's text or the text read from its images (migration 141).
    "query": "(p.search @@ websearch_to_tsquery('simple', %(query)s)"
             " OR p.image_search @@ websearch_to_tsquery('simple', %(query)s))",
    "narrative": "np.narrative = %(narrative)s",
    "actor": "a.name = %(actor)s",
    "group": "a.group_key = %(group)s",
    "platform": "s.platform = %(platform)s",
    "source": "lower(s.handle) = lower(%(source)s)",
    "lang": "p.lang = %(lang)s",
    "since": "{t} >= %(since)s",
    "until": "{t} < %(until)s",
}
_LABELLED = "EXISTS (SELECT 1 FROM labels l WHERE l.post_id = {i})"
# Keyset paging: strictly after the last row shown, in the page's order.
_OLDER = "{t} <= %(after_at)s AND ({t} < %(after_at)s OR {i} < %(after_id)s)"
_NEWER = "{t} >= %(after_at)s AND ({t} > %(after_at)s OR {i} > %(after_id)s)"

_ROW_COLUMNS = """p.id, p.platform, p.native_id, p.kind, p.url, p.lang, p.posted_at, p.text,
       p.deleted_seen_at, p.version_count, s.handle, s.role, a.name AS actor,
       a.group_key AS "group\""""
# The same columns as named in a query over a sub-select of _ROW_COLUMNS.
_ROW_NAMES = """id, platform, native_id, kind, url, lang, posted_at, text, deleted_seen_at,
       version_count, handle, role, actor, "group\""""

_RELEVANCE = sql.SQL("""WITH hits AS (
    SELECT {columns}, p.search
    {source}
    {where}
    ORDER BY {t} DESC, {i} DESC LIMIT {window})
SELECT {names} FROM hits
ORDER BY ts_rank_cd(search, websearch_to_tsquery('simple', %(query)s)) DESC,
         posted_at DESC, id DESC""")
_BY_TIME = sql.SQL("""SELECT {columns}
{source}
{where}
ORDER BY {t} {direction}, {i} {direction}""")
_COUNT = sql.SQL("SELECT count(*) AS n FROM (SELECT 1 {source} {where} LIMIT {cap}) AS hit")

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


class PageTag(TypedDict):
    post_id: int
    narrative: str
    score: float
    evidence: JsonObject
    model_version: str
    over_threshold: bool


class PageLabel(TypedDict):
    """The label in force for one narrative of the post."""

    post_id: int
    narrative: str
    verdict: str
    analyst: str
    created_at: datetime


class _Carried(TypedDict):
    post_id: int
    narrative: str


class FoundPost(PostSummary):
    tags: list[PageTag]
    labels: dict[str, PageLabel]  # by narrative
    narratives: list[str]  # the narratives the post carries
    evidence: list[JsonObject]  # the evidence of those narratives' tags


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

    @property
    def ranked(self) -> bool:
        return self.sort == "relevance" and bool(self.normalised_query)


@dataclass(frozen=True)
class Cursor:
    """The last row of a time-sorted page: the next page starts strictly after it."""

    posted_at: datetime
    post_id: int


@dataclass(frozen=True)
class SearchPage:
    rows: list[FoundPost]
    total: int
    total_capped: bool
    has_more: bool
    next_cursor: Cursor | None = None


def _driver(f: SearchFilters) -> str:
    if f.narrative:
        return "narrative"
    return "labelled" if f.labelled is True else "posts"


def _where(f: SearchFilters, after: Cursor | None = None, extra: tuple[str, ...] = ()
           ) -> tuple[sql.Composable, sql.Composable, dict[str, object]]:
    """(FROM clause, WHERE clause, parameters) for the filters; `extra` are constant
    clauses added to them (their parameters are the caller's)."""
    source, t, i = _DRIVERS[_driver(f)]
    params: dict[str, object] = {}
    clauses: list[str] = list(extra)
    values: dict[str, object] = {
        "query": f.normalised_query or None, "narrative": f.narrative, "actor": f.actor,
        "group": f.group, "platform": f.platform, "source": f.source, "lang": f.lang,
        "since": f.since, "until": f.until,
    }
    for name, given in values.items():
        if given is not None and given != "":
            clauses.append(_FILTERS[name].replace("{t}", t))
            params[name] = given
    if f.labelled is True and _driver(f) != "labelled":
        clauses.append(_LABELLED.replace("{i}", i))
    elif f.labelled is False:
        clauses.append("NOT " + _LABELLED.replace("{i}", i))
    if after is not None and not f.ranked:
        keyset = _NEWER if f.sort == "oldest" else _OLDER
        clauses.append(keyset.replace("{t}", t).replace("{i}", i))
        params.update(after_at=after.posted_at, after_id=after.post_id)
    where: sql.Composable = sql.SQL("")
    if clauses:
        where = sql.SQL("WHERE ") + sql.SQL("\n  AND ").join(
            sql.SQL(c) for c in clauses)
    return sql.SQL(source), where, params


def filter_sql(f: SearchFilters, extra: tuple[str, ...] = ()
               ) -> tuple[sql.Composable, sql.Composable, dict[str, object]]:
    """(FROM clause, WHERE clause, parameters) of the filters, for other readers of the
    same search (alert rules: monitor/alerts/), so that a query matches there exactly as it
    does in the console. The FROM clause names posts p, sources s and actors a."""
    return _where(f, extra=extra)


def _ordered_select(f: SearchFilters, source: sql.Composable,
                    where: sql.Composable) -> sql.Composable:
    _, t, i = _DRIVERS[_driver(f)]
    parts: dict[str, sql.Composable] = {
        "columns": sql.SQL(_ROW_COLUMNS), "source": source, "where": where,
        "t": sql.SQL(t), "i": sql.SQL(i)}
    if f.ranked:
        return _RELEVANCE.format(window=sql.Literal(RELEVANCE_WINDOW), names=sql.SQL(_ROW_NAMES),
                                 **parts)
    direction = sql.SQL("ASC" if f.sort == "oldest" else "DESC")
    return _BY_TIME.format(direction=direction, **parts)


def search_posts(conn: Conn, f: SearchFilters, *, limit: int = 50,
                 after: Cursor | None = None, offset: int = 0) -> SearchPage:
    """One page of matches with their tags, labels and the narratives they carry.

    Time-sorted pages continue from `after`; relevance pages (within the newest
    RELEVANCE_WINDOW matches) use `offset`.
    """
    source, where, params = _where(f, after)
    query = _ordered_select(f, source, where) + sql.SQL("\nLIMIT %(limit)s OFFSET %(offset)s")
    matches = fetch_all(conn, PostSummary, query, {**params, "limit": limit + 1,
                                              "offset": offset if f.ranked else 0},
                        prepare=PLANNED_PER_SEARCH)
    has_more = len(matches) > limit
    rows = _attach_tags(conn, matches[:limit])
    full_source, full_where, full_params = _where(f)
    if _driver(f) == "narrative" and not (f.normalised_query or f.lang):
        # Counting needs no post row: narrative_posts has the time and the source.
        full_source = sql.SQL(_DRIVERS["narrative"][0].rsplit("\n", 1)[0])
    count = _COUNT.format(source=full_source, where=full_where, cap=sql.Literal(COUNT_CAP + 1))
    total = value(conn, int, count, full_params, prepare=PLANNED_PER_SEARCH)
    last = rows[-1] if rows and has_more and not f.ranked else None
    cursor = Cursor(last["posted_at"], last["id"]) if last else None
    return SearchPage(rows, min(total, COUNT_CAP), total > COUNT_CAP, has_more, cursor)


def _attach_tags(conn: Conn, matches: list[PostSummary]) -> list[FoundPost]:
    ids = [m["id"] for m in matches]
    tags: dict[int, list[PageTag]] = {i: [] for i in ids}
    labels: dict[int, dict[str, PageLabel]] = {i: {} for i in ids}
    carried: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for t in fetch_all(conn, PageTag, _TAGS_OF_PAGE, {"ids": ids}):
            tags[t["post_id"]].append(t)
        for lab in fetch_all(conn, PageLabel, _LABELS_OF_PAGE, {"ids": ids}):
            labels[lab["post_id"]][lab["narrative"]] = lab
        for c in fetch_all(conn, _Carried, _CARRIED_OF_PAGE, {"ids": ids}):
            carried[c["post_id"]].append(c["narrative"])
    return [{**m, "tags": tags[m["id"]], "labels": labels[m["id"]],
             "narratives": carried[m["id"]],
             "evidence": [t["evidence"] for t in tags[m["id"]]
                          if t["narrative"] in carried[m["id"]]
                          and isinstance(t["evidence"], dict)]}
            for m in matches]


def export_posts(conn: Conn, f: SearchFilters, cap: int) -> list[FoundPost]:
    """Every match up to `cap`, in the page order, each with the narratives it carries."""
    source, where, params = _where(f)
    query = _ordered_select(f, source, where) + sql.SQL("\nLIMIT %(limit)s")
    matches = fetch_all(conn, PostSummary, query, {**params, "limit": cap},
                        prepare=PLANNED_PER_SEARCH)
    return [post for start in range(0, len(matches), 1000)
            for post in _attach_tags(conn, matches[start:start + 1000])]
