"""Search: full text over every language, filters, sorting, paging, CSV and JSON export."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode

from starlette.responses import Response

from monitor.console.csvexport import csv_response
from monitor.console.forms import parse_search, search_params
from monitor.console.highlight import query_terms
from monitor.console.web import PageError, PageRequest, int_param
from storage.console import dashboard as console_dashboard
from storage.console import search as console_search
from storage.console import sources as console_sources
from storage.console.search import FoundPost

EXPORT_COLUMNS = ("id", "platform", "handle", "actor", "group", "posted_at", "lang", "kind",
                  "url", "narratives", "labels", "deleted", "text")


def search_page(req: PageRequest) -> Response:
    with req.state.db.connection() as conn:
        narratives = console_dashboard.narrative_keys(conn)
        parsed = parse_search(req.query, tuple(n["key"] for n in narratives))
        size = req.state.page_size
        after = parse_cursor(req.query.get("after"))
        shown = int_param(req.query.get("shown"), "shown", 0, 0, 100_000_000)
        page_number = int_param(req.query.get("page"), "page", 1, 1,
                                max(1, console_search.RELEVANCE_WINDOW // size))
        ranked = parsed.filters.ranked
        if ranked:
            shown = (page_number - 1) * size
        result = console_search.search_posts(conn, parsed.filters, limit=size, after=after,
                                             offset=shown if ranked else 0)
        actors = console_sources.actor_names(conn)
        groups = console_sources.group_keys(conn)
    carried = search_params(req.query)
    next_url = None
    if result.has_more and ranked:
        next_url = "/search?" + urlencode({**carried, "page": str(page_number + 1)})
    elif result.next_cursor is not None:
        next_url = "/search?" + urlencode({**carried, "after": cursor_token(result.next_cursor),
                                           "shown": str(shown + len(result.rows))})
    first_url = "/search?" + urlencode(carried) if (after or page_number > 1) else None
    return req.render(
        "search.html", status=400 if parsed.errors else 200,
        filters=parsed.filters, errors=parsed.errors, result=result, shown=shown,
        narratives=narratives, actors=actors, groups=groups,
        terms=query_terms(parsed.filters.normalised_query),
        first_url=first_url, next_url=next_url, export_query=urlencode(carried), raw=carried,
        relevance_window=console_search.RELEVANCE_WINDOW,
    )


def cursor_token(cursor: console_search.Cursor) -> str:
    return f"{cursor.posted_at.isoformat()}~{cursor.post_id}"


def parse_cursor(token: str | None) -> console_search.Cursor | None:
    """The `after` parameter of a next-page link; a damaged one is an error, not page 1."""
    if not token:
        return None
    moment, _, post_id = token.rpartition("~")
    try:
        posted_at = datetime.fromisoformat(moment)
    except ValueError:
        raise PageError(f"after: {token!r} is not a page position") from None
    if not post_id.isdigit() or posted_at.tzinfo is None:
        raise PageError(f"after: {token!r} is not a page position")
    return console_search.Cursor(posted_at, int(post_id))


def _exported(req: PageRequest) -> tuple[list[FoundPost], list[str]]:
    with req.state.db.connection() as conn:
        narratives = console_dashboard.narrative_keys(conn)
        parsed = parse_search(req.query, tuple(n["key"] for n in narratives))
        rows = console_search.export_posts(conn, parsed.filters, req.state.export_cap)
    return rows, parsed.errors


def _flat(row: FoundPost) -> dict[str, object]:
    return {
        "id": row["id"], "platform": row["platform"], "handle": row["handle"],
        "actor": row["actor"], "group": row["group"],
        "posted_at": row["posted_at"].isoformat().replace("+00:00", "Z"),
        "lang": row["lang"], "kind": row["kind"], "url": row["url"],
        "narratives": row["narratives"],
        "labels": {k: v["verdict"] for k, v in row["labels"].items()},
        "deleted": row["deleted_seen_at"] is not None, "text": row["text"],
    }


def _cell(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    return "" if value is None else str(value)


def export_csv(req: PageRequest) -> Response:
    rows, errors = _exported(req)
    if errors:
        return Response("; ".join(errors) + "\n", status_code=400, media_type="text/plain")
    flat = (_flat(row) for row in rows)
    return csv_response(EXPORT_COLUMNS, ([_cell(f[c]) for c in EXPORT_COLUMNS] for f in flat),
                        "chorus-search.csv", {
                            "x-chorus-rows": str(len(rows)),
                            "x-chorus-truncated": str(len(rows) >= req.state.export_cap).lower()})


def export_json(req: PageRequest) -> Response:
    rows, errors = _exported(req)
    if errors:
        return Response(json.dumps({"errors": errors}), status_code=400,
                        media_type="application/json")
    body = json.dumps({"count": len(rows), "truncated": len(rows) >= req.state.export_cap,
                       "posts": [_flat(r) for r in rows]}, ensure_ascii=False)
    return Response(body, media_type="application/json", headers={
        "content-disposition": 'attachment; filename="chorus-search.json"'})
