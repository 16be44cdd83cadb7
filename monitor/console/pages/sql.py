"""The SQL tab: read-only SQL as the reader role, CSV export, saved queries with :params."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from monitor.console.csvexport import csv_response
from monitor.console.web import NotFound, PageError, PageRequest
from storage.console import queries as console_queries
from storage.readonly import QueryResult, ReaderUnavailable, ReadOnlyQueryError, parameter_names

EXAMPLE = ("SELECT narrative, count(*) AS posts\nFROM effective_tags\n"
           "GROUP BY narrative\nORDER BY posts DESC")


def _context(req: PageRequest, text: str, values: dict[str, str], **extra: Any) -> dict[str, Any]:
    with req.state.db.connection() as conn:
        saved = console_queries.list_saved(conn)
    names = parameter_names(text)
    return {"sql": text, "names": names, "values": values, "saved": saved,
            "row_cap": req.state.runner.row_cap, "timeout_ms": req.state.runner.timeout_ms,
            "cell_cap": req.state.runner.cell_cap_bytes,
            "result_cap": req.state.runner.result_cap_bytes,
            "reader_problem": req.state.reader_problem, "result": None, "error": None,
            "notice": None, "query_name": "", "description": "", **extra}


def sql_page(req: PageRequest) -> Response:
    saved_ref = req.query.get("saved", "")
    text, name, description = EXAMPLE, "", ""
    if saved_ref:
        if not saved_ref.isdigit():
            raise NotFound(f"no saved query {saved_ref!r}")
        with req.state.db.connection() as conn:
            saved = console_queries.get_saved(conn, int(saved_ref))
        if saved is None:
            raise NotFound(f"no saved query {saved_ref}")
        text, name, description = saved.sql, saved.name, saved.description
    return req.render("sql.html", **_context(req, text, {}, query_name=name,
                                             description=description))


def _submitted(req: PageRequest) -> tuple[str, dict[str, str]]:
    text = req.form.get("sql", "")
    values = {k.removeprefix("param_"): v for k, v in req.form.items()
              if k.startswith("param_")}
    return text, values


def _run(req: PageRequest, text: str, values: dict[str, str]) -> QueryResult:
    if req.state.reader_problem:
        raise PageError(req.state.reader_problem, status=503)
    try:
        return req.state.runner.run(text, values)
    except ReaderUnavailable as exc:
        raise PageError(str(exc), status=503) from None


def run_sql(req: PageRequest) -> Response:
    text, values = _submitted(req)
    action = req.form.get("action", "run")
    if action == "save":
        return _save(req, text, values)
    try:
        result = _run(req, text, values)
    except ReadOnlyQueryError as exc:
        context = _context(req, text, values, error=str(exc),
                           query_name=req.form.get("name", ""))
        return req.render("sql.html", status=400, **context)
    if action == "export":
        return _csv(result)
    return req.render("sql.html", **_context(req, text, values, result=result,
                                             query_name=req.form.get("name", "")))


def _csv(result: QueryResult) -> Response:
    # Bounded like the page: the runner's row cap, cell cap and byte budget.
    rows = (["" if v is None else str(v) for v in row] for row in result.rows)
    return csv_response(result.columns, rows, "chorus-query.csv", {
        "x-chorus-rows": str(len(result.rows)),
        "x-chorus-truncated": str(not result.complete).lower(),
        "x-chorus-byte-capped": str(result.byte_capped).lower(),
        "x-chorus-cells-cut": str(result.clipped_cells)})


def _save(req: PageRequest, text: str, values: dict[str, str]) -> Response:
    name = req.form.get("name", "").strip()
    description = req.form.get("description", "")
    with req.state.db.connection() as conn:
        try:
            query_id = console_queries.save_query(conn, name, text, description,
                                                  req.session.analyst or "analyst")
        except console_queries.SavedQueryError as exc:
            context = _context(req, text, values, error=str(exc), query_name=name,
                               description=description)
            return req.render("sql.html", status=400, **context)
    return req.redirect(f"/sql?saved={query_id}")


def delete_saved(req: PageRequest) -> Response:
    raw = str(req.request.path_params.get("query_id", ""))
    if not raw.isdigit():
        raise NotFound(f"no saved query {raw!r}")
    with req.state.db.connection() as conn:
        if not console_queries.delete_saved(conn, int(raw)):
            raise NotFound(f"no saved query {raw}")
    return req.redirect("/sql")
