"""The network page: who forwards, mentions, quotes and echoes whom, drawn in the browser
(cytoscape, vendored) from /network.json, with the strongest edges and their evidence posts
listed on the page itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from monitor import network
from monitor.console.forms import parse_moment
from monitor.console.web import PageError, PageRequest
from monitor.errors import UserError
from storage import catalog
from storage import network as store

MAX_EDGES = 400  # drawn; the export has them all
# Unless the analyst ticks others: mentions and co-adoption make far larger graphs.
DEFAULT_LAYERS = ("forward", "amplify")


@dataclass
class _Filters:
    scope: store.Scope
    layers: tuple[str, ...]
    level: network.Level
    query: dict[str, Any]


def _filters(req: PageRequest) -> _Filters:
    params = req.query
    layers = tuple(v for v in params.getlist("layer") if v)
    unknown = [v for v in layers if v not in store.LAYERS]
    if unknown:
        raise PageError(f"layer: {unknown[0][:40]!r} is not one of {', '.join(store.LAYERS)}")
    level = params.get("level") or "source"
    if level not in network.LEVELS:
        raise PageError(f"level: choose one of {', '.join(network.LEVELS)}")
    try:
        since = parse_moment(params["since"], "since") if params.get("since") else None
        until = (parse_moment(params["until"], "until", end_of_day=True)
                 if params.get("until") else None)
    except ValueError as exc:
        raise PageError(str(exc)) from None
    narrative = params.get("narrative") or None
    with req.state.db.connection() as conn:
        if until is None and not params.get("event"):
            latest = store.latest_post_at(conn)
            until = latest + timedelta(seconds=1) if latest else None
        try:
            scope = network.scope_for(conn, since=since, until=until,
                                      event_ref=params.get("event") or None, narrative=narrative)
        except UserError as exc:
            raise PageError(str(exc)) from None
    query = {k: v for k, v in (("since", params.get("since")), ("until", params.get("until")),
                               ("event", params.get("event")), ("narrative", narrative),
                               ("level", level)) if v}
    return _Filters(scope, layers or DEFAULT_LAYERS, level,
                    {**query, "layer": list(layers)} if layers else query)


def _graph(req: PageRequest, filters: _Filters) -> network.Graph:
    db = req.state.db
    with db.connection() as conn, db.spare_connections(1) as helpers:
        graph = network.build(conn, filters.layers, filters.scope, filters.level,
                              helper=helpers[0] if helpers else None)
    network.analyse(graph)
    return graph


def _strongest(graph: network.Graph, limit: int) -> list[tuple[str, str, dict[str, Any]]]:
    return sorted(graph.edges(data=True), key=lambda e: (-e[2]["weight"], e[0], e[1]))[:limit]


def network_page(req: PageRequest) -> Response:
    filters = _filters(req)
    graph = _graph(req, filters)
    with req.state.db.connection() as conn:
        narratives = [n["key"] for n in catalog.list_narratives(conn)]
    return req.render(
        "network.html", summary=network.summary(graph), nodes=graph.nodes,
        edges=_strongest(graph, 50), data_url="/network.json?" + urlencode(filters.query, True),
        export_query=urlencode(filters.query, True), layers=store.LAYERS,
        chosen_layers=filters.layers, levels=network.LEVELS, level=filters.level,
        narratives=narratives, params=req.query, scope=filters.scope)


def network_json(req: PageRequest) -> Response:
    """Nodes and the strongest edges for the drawing; every string is data, never markup."""
    graph = _graph(req, _filters(req))
    edges = _strongest(graph, MAX_EDGES)
    shown = {n for e in edges for n in e[:2]}
    body = {
        "nodes": [{"id": n, **d} for n, d in graph.nodes(data=True)
                  if n in shown],
        "edges": [{"id": f"{a}>{b}", "source": a, "target": b,
                   **{k: v for k, v in d.items() if k != "evidence"},
                   "evidence": [int(p) for p in d["evidence"].split(",") if p]}
                  for a, b, d in edges],
        "total_edges": graph.number_of_edges(),
    }
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")


def network_export(req: PageRequest) -> Response:
    fmt = req.query.get("format", "gexf")
    if fmt not in network.FORMATS:
        raise PageError(f"format: choose one of {', '.join(network.FORMATS)}")
    data = network.FORMATS[fmt](_graph(req, _filters(req)))
    media = {"gexf": "application/xml", "graphml": "application/xml", "csv": "text/csv"}[fmt]
    return Response(data, media_type=media, headers={
        "content-disposition": f'attachment; filename="chorus-network.{fmt}"'})
