"""Who amplifies whom: the citation and co-adoption graph between sources, rolled up to actors
or camps, with communities (Louvain, networkx), centrality and the nodes that bridge camps.

The edges are aggregated in PostgreSQL (storage/network.py); this module only shapes the few
thousand weighted edges into a networkx graph and measures it."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeAlias

import networkx as nx

from monitor.errors import UserError
from storage import catalog
from storage import network as store
from storage.database import Conn
from storage.gc_paused import gc_paused
from storage.snapshot import exported_snapshot, following_snapshot

Level = Literal["source", "actor", "camp"]
LEVELS: tuple[Level, ...] = ("source", "actor", "camp")
SEED = 16  # Louvain and sampled betweenness are seeded: the same data gives the same graph
BETWEENNESS_SAMPLE = 200
BETWEENNESS_MAX_EDGES = 50_000
NOT_WATCHED = "(not watched)"
NO_CAMP = "(no camp)"
Graph: TypeAlias = "nx.DiGraph[str]"
KINDS = ("forward", "retweet", "quote", "reply", "mention", "link", "coadoption")
_NO_KINDS: dict[str, Any] = dict.fromkeys(KINDS, 0)


@dataclass(frozen=True)
class NodeInfo:
    id: str
    label: str
    platform: str
    role: str  # actor, observer, candidate (cited, not watched), or mixed after a roll-up
    actor: str
    camp: str
    posts: int


def _source_node(row: store.NodeRow) -> NodeInfo:
    return NodeInfo(id=f"s{row['id']}", label=row["handle"], platform=row["platform"],
                    role=row["role"], actor=row["actor"] or "", camp=row["camp"] or NO_CAMP,
                    posts=row["posts"])


def _candidate_node(edge: store.EdgeRow) -> NodeInfo:
    return NodeInfo(id=f"c:{edge['cited_platform']}:{edge['cited_key']}", label=edge["label"],
                    platform=edge["cited_platform"], role="candidate", actor="",
                    camp=NOT_WATCHED, posts=0)


def _rolled(node: NodeInfo, level: Level, actor_ids: dict[str, int | None]) -> NodeInfo:
    """The node a source or candidate becomes at the chosen level."""
    if level == "camp":
        return NodeInfo(id=f"g:{node.camp}", label=node.camp, platform="", role="camp",
                        actor="", camp=node.camp, posts=0)
    actor_id = actor_ids.get(node.id)
    if level == "actor" and actor_id is not None:
        return NodeInfo(id=f"a{actor_id}", label=node.actor, platform="", role=node.role,
                        actor=node.actor, camp=node.camp, posts=0)
    return node


def build(conn: Conn, layers: tuple[str, ...], scope: store.Scope, level: Level = "source",
          *, helper: Conn | None = None) -> Graph:
    """The weighted directed graph (citing → cited) of the chosen layers within the scope.

    `helper`, an idle connection, counts the sources' posts in conn's snapshot while conn
    reads the edges (storage/snapshot.py, as the event report does): the two largest reads
    at once."""
    with gc_paused():  # tens of thousands of dicts that all survive the build
        if helper is None:
            rows = store.edges(conn, layers, scope)
            found = store.nodes(conn, _source_ids(rows), scope)
        else:
            with exported_snapshot(conn) as snapshot, ThreadPoolExecutor(1) as pool:
                counting = pool.submit(_counted, helper, snapshot, scope)
                rows = store.edges(conn, layers, scope)
                counts = counting.result()
            found = store.nodes_counted(conn, _source_ids(rows), counts)
        return _build(rows, found, layers, scope, level)


def _source_ids(rows: list[store.EdgeRow]) -> list[int]:
    return sorted({r["from_source"] for r in rows}
                  | {r["to_source"] for r in rows if r["to_source"] is not None})


def _counted(helper: Conn, snapshot: str, scope: store.Scope) -> dict[int, int]:
    with following_snapshot(helper, snapshot):
        return store.post_counts(helper, scope)


def _build(rows: list[store.EdgeRow], found: list[store.NodeRow], layers: tuple[str, ...],
           scope: store.Scope, level: Level) -> Graph:
    by_id = {f"s{n['id']}": n for n in found}
    infos = {key: _source_node(row) for key, row in by_id.items()}
    actor_ids = {key: row["actor_id"] for key, row in by_id.items()}
    graph: Graph = nx.DiGraph(level=level, layers=",".join(layers),
                              since=scope.since.isoformat(), until=scope.until.isoformat(),
                              narrative=scope.narrative or "")
    node_of: dict[str, str] = {}  # source or candidate key -> its node at this level
    for key, info in infos.items():  # sources with no edge in scope are left out below
        rolled = _rolled(info, level, actor_ids)
        node_of[key] = rolled.id
        if rolled.id not in graph:
            graph.add_node(rolled.id, **_attributes(rolled))
        graph.nodes[rolled.id]["posts"] += info.posts
        graph.nodes[rolled.id]["sources"] += 1
    weights: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        to = row["to_source"]
        cited = f"s{to}" if to is not None else f"c:{row['cited_platform']}:{row['cited_key']}"
        head = node_of.get(cited)
        if head is None:  # a channel nobody watches, met for the first time
            rolled = _rolled(_candidate_node(row), level, actor_ids)
            head = node_of[cited] = rolled.id
            if head not in graph:
                graph.add_node(head, **_attributes(rolled))
        tail = node_of[f"s{row['from_source']}"]
        if head == tail and level != "camp":
            continue  # one actor's sources citing each other
        _add_weight(weights, tail, head, row)
    graph.add_edges_from((tail, head, data) for (tail, head), data in weights.items())
    graph.remove_nodes_from([n for n, degree in list(graph.degree) if degree == 0])
    return graph


def _attributes(node: NodeInfo) -> dict[str, Any]:
    return {"label": node.label, "platform": node.platform, "role": node.role,
            "actor": node.actor, "camp": node.camp, "posts": 0, "sources": 0}


def _add_weight(weights: dict[tuple[str, str], dict[str, Any]], tail: str, head: str,
                row: store.EdgeRow) -> None:
    data = weights.get((tail, head))
    if data is None:  # most edges come from one row: no merging
        evidence = row["evidence"]
        if row["kind"] == "coadoption":  # one post can pair twice (two narratives)
            evidence = ",".join(dict.fromkeys(evidence.split(",")))
        weights[tail, head] = {**_NO_KINDS, row["kind"]: row["weight"], "weight": row["weight"],
                               "first_at": row["first_at"], "last_at": row["last_at"],
                               "evidence": evidence}
        return
    data["weight"] += row["weight"]
    data[row["kind"]] += row["weight"]
    data["first_at"] = min(data["first_at"], row["first_at"])
    data["last_at"] = max(data["last_at"], row["last_at"])
    kept = data["evidence"].split(",")
    if len(set(kept)) < 10:
        data["evidence"] = ",".join(dict.fromkeys(kept + row["evidence"].split(",")))


def analyse(graph: Graph) -> None:
    """Communities, centrality and camp bridging, written onto the nodes."""
    undirected: nx.Graph[str] = nx.Graph()
    undirected.add_nodes_from(graph.nodes)
    for tail, head, data in graph.edges(data=True):
        if tail != head:
            weight = data["weight"] + (undirected.edges[tail, head]["weight"]
                                       if undirected.has_edge(tail, head) else 0)
            undirected.add_edge(tail, head, weight=weight)
    communities = (nx.community.louvain_communities(undirected, weight="weight", seed=SEED)
                   if undirected.number_of_edges() else [{n} for n in undirected.nodes])
    ordered = sorted(communities, key=lambda c: (-len(c), min(c)))
    for index, members in enumerate(ordered):
        for node in members:
            graph.nodes[node]["community"] = index
    # Betweenness from a seeded sample of sources: exact on small graphs, an estimate on
    # large ones, skipped on very large ones (its cost grows with sample x edges).
    sample = min(len(graph), BETWEENNESS_SAMPLE)
    betweenness = (nx.betweenness_centrality(graph, k=sample, seed=SEED, weight=None)
                   if 2 < len(graph) and graph.number_of_edges() <= BETWEENNESS_MAX_EDGES
                   else dict.fromkeys(graph.nodes, 0.0))
    for node, data in graph.nodes(data=True):
        data["betweenness"] = round(betweenness.get(node, 0.0), 6)
        data["cited_in"] = int(graph.in_degree(node, weight="weight"))
        data["cites_out"] = int(graph.out_degree(node, weight="weight"))
        camps: dict[str, int] = defaultdict(int)
        unplaced = data["camp"] in (NOT_WATCHED, NO_CAMP)  # bridges between camps have one
        for neighbour in set() if unplaced else set(graph.successors(node)) | set(
                graph.predecessors(node)):
            camp = graph.nodes[neighbour]["camp"]
            if camp not in (data["camp"], NOT_WATCHED, NO_CAMP):
                camps[camp] += (graph.edges[node, neighbour]["weight"]
                                if graph.has_edge(node, neighbour) else 0)
                camps[camp] += (graph.edges[neighbour, node]["weight"]
                                if graph.has_edge(neighbour, node) else 0)
        data["camps_bridged"] = len(camps)
        data["cross_camp_weight"] = sum(camps.values())


def summary(graph: Graph, top: int = 10) -> dict[str, Any]:
    """The measured graph in a few lists: communities, most central, camp bridges."""
    nodes: dict[str, dict[str, Any]] = dict(graph.nodes.items())
    members: dict[int, list[str]] = defaultdict(list)
    for data in nodes.values():
        members[data["community"]].append(data["label"])
    bridges = sorted((n for n in nodes if nodes[n]["camps_bridged"] > 0),
                     key=lambda n: (-nodes[n]["camps_bridged"], -nodes[n]["cross_camp_weight"], n))
    central = sorted(nodes, key=lambda n: (-nodes[n]["betweenness"], -nodes[n]["cited_in"], n))
    return {
        "level": graph.graph["level"], "layers": graph.graph["layers"].split(","),
        "since": graph.graph["since"], "until": graph.graph["until"],
        "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
        "communities": [sorted(m) for _, m in sorted(members.items())],
        "central": [{"label": nodes[n]["label"], "camp": nodes[n]["camp"],
                     "betweenness": nodes[n]["betweenness"], "cited_in": nodes[n]["cited_in"]}
                    for n in central[:top]],
        "bridges": [{"label": nodes[n]["label"], "camp": nodes[n]["camp"],
                     "camps_bridged": nodes[n]["camps_bridged"],
                     "cross_camp_weight": nodes[n]["cross_camp_weight"]} for n in bridges[:top]],
    }


# Characters XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/FFFF): an export title or
# an actor's name could carry them, and one would make the whole file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(graph: Graph) -> Graph:
    def clean(values: dict[str, Any]) -> dict[str, Any]:
        return {k: _NOT_XML.sub("\ufffd", v) if isinstance(v, str) else v
                for k, v in values.items()}

    safe: Graph = nx.DiGraph(**clean(graph.graph))
    safe.add_nodes_from((_NOT_XML.sub("\ufffd", n), clean(d)) for n, d in graph.nodes(data=True))
    safe.add_edges_from((_NOT_XML.sub("\ufffd", a), _NOT_XML.sub("\ufffd", b), clean(d))
                        for a, b, d in graph.edges(data=True))
    return safe


def to_gexf(graph: Graph) -> bytes:
    out = io.BytesIO()
    nx.write_gexf(_xml_safe(graph), out)
    return out.getvalue()


def to_graphml(graph: Graph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(_xml_safe(graph), out)
    return out.getvalue()


def _csv_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(graph: Graph) -> bytes:
    """The edge table Gephi imports, each end with its label, actor, camp and role."""
    out = io.StringIO()
    writer = csv.writer(out)
    ends = ("label", "actor", "camp", "role")
    writer.writerow(["source", "target", "weight", *KINDS, "first_at", "last_at", "evidence",
                     *(f"source_{a}" for a in ends), *(f"target_{a}" for a in ends)])
    for tail, head, data in sorted(graph.edges(data=True), key=lambda e: (-e[2]["weight"], e[:2])):
        writer.writerow([_csv_cell(v) for v in (
            tail, head, data["weight"], *(data[k] for k in KINDS), data["first_at"],
            data["last_at"], data["evidence"], *(graph.nodes[tail][a] for a in ends),
            *(graph.nodes[head][a] for a in ends))])
    return out.getvalue().encode("utf-8")


FORMATS = {"gexf": to_gexf, "graphml": to_graphml, "csv": to_csv}


def scope_for(conn: Conn, *, since: datetime | None, until: datetime | None,
              event_ref: str | None, narrative: str | None,
              pre: timedelta = timedelta(days=7), post: timedelta = timedelta(hours=72)) -> store.Scope:
    """The time range asked for: an event's window (7 days before to 72 hours after, unless
    --since/--until say otherwise), else the period, else the last 30 days."""
    if event_ref:
        event = catalog.find_event(conn, event_ref)
        if event is None:
            raise UserError(f"no event {event_ref!r}; see chorus events list")
        since = since or event["occurred_at"] - pre
        until = until or event["occurred_at"] + post
    until = until or datetime.now(UTC)
    since = since or until - timedelta(days=30)
    if since >= until:
        raise UserError("the period is empty: --since must come before --until")
    if narrative is not None and narrative not in {n["key"] for n in catalog.list_narratives(conn)}:
        raise UserError(f"unknown narrative {narrative!r}")
    return store.Scope(since=since, until=until, narrative=narrative)
