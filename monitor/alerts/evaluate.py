"""Evaluating convergence and saved-search rules on what is new since their watermarks.

- search: posts after the rule's last post id that the console's search finds; one incident
  per UTC day ("search:2021-11-07") whose count grows as more posts match.
- convergence: the (event, narrative) pairs that new tags or labels touch (or events created
  since), their adopters over [T0, T0 + W] attributed as the event report attributes them
  (storage.alerts.adopters, kept between runs by monitor.alerts.adopter_state); an
  incident per pair ("event:12:sedition") once k actors from g camps adopted it (and, when
  the rule says so, placebo_p is at most its bound); it grows into new versions.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Any

from monitor.alerts import adopter_state
from monitor.alerts.findings import Evaluation, Finding
from monitor.alerts.message import clean_line, excerpt
from monitor.alerts.shared import Shared
from storage.alerts import adopters as alert_adopters
from storage.alerts import queries as q
from storage.alerts.adopters import Adopter
from storage.alerts.store import AlertRule, Incident
from storage.console.search import SearchFilters
from storage.convergence.attribution import OPEN, rivals
from storage.convergence.common import Window
from storage.convergence.significance import significance
from storage.database import Conn
from storage.rows import JsonObject

LISTED = 10  # posts an incident lists


def _str(params: JsonObject, name: str) -> str | None:
    found = params.get(name)
    return str(found) if found not in (None, "") else None


def evaluate_search(conn: Conn, rule: AlertRule, upto: datetime,
                    today: str, previous: JsonObject | None, *,
                    shared: Shared | None = None) -> Evaluation:
    p = rule.params
    batch = (shared or Shared()).get(("posts", rule.seen_post_id, upto),
                                     lambda: q.post_range(conn, rule.seen_post_id, upto))
    hi = batch["upto_id"]
    if hi is None:
        return Evaluation([], rule.seen_post_id, upto)
    if _str(p, "narrative") and batch["first_untagged"] is not None:
        hi = batch["first_untagged"] - 1  # wait for the tagger from there on
    if hi <= rule.seen_post_id:
        return Evaluation([], rule.seen_post_id, upto)
    filters = SearchFilters(query=_str(p, "query") or "", narrative=_str(p, "narrative"),
                            actor=_str(p, "actor"), group=_str(p, "group"),
                            platform=_str(p, "platform"), lang=_str(p, "lang"))
    matches = q.search_matches(conn, filters, rule.seen_post_id, hi)
    if not matches:
        return Evaluation([], hi, upto)
    before = previous or {}
    count = int(str(before.get("count", 0))) + len(matches)
    listed: list[Any] = [
        {"post_id": m["id"], "platform": m["platform"], "handle": m["handle"],
         "actor": m["actor"], "group": m["group"], "lang": m["lang"], "url": m["url"],
         "posted_at": m["posted_at"].isoformat(), "text": excerpt(m["text"])}
        for m in reversed(matches)]
    old = before.get("posts")
    posts = (listed + (old if isinstance(old, list) else []))[:LISTED]
    what = clean_line(_str(p, "query") or "the filters", 80)
    summary = f"{count} new post(s) match {what!r} today"
    return Evaluation([Finding(f"search:{today}", summary,
                               {"count": count, "posts": posts, "day": today})], hi, upto)


def _adopters_read(pair: q.AffectedPair, window: timedelta, *, kept: bool = True
                   ) -> tuple[Hashable, Callable[[Conn], dict[str, list[Adopter]]]]:
    """The key and the read of an event's adopters over the widest window usually asked,
    kept between runs (monitor/alerts/adopter_state.py) or, `kept=False`, read in full."""
    widest = max(window, OPEN)
    frame = Window(pair["occurred_at"], pair["occurred_at"], pair["occurred_at"] + widest)

    def read(conn: Conn) -> dict[str, list[Adopter]]:
        if not kept:
            return alert_adopters.measure(conn, frame, rivals(conn, pair["event_id"], frame))[0]
        return adopter_state.adopters(conn, pair["event_id"], frame)
    return ("adopters", pair["event_id"], widest), read


def _measure(conn: Conn, pair: q.AffectedPair, window: timedelta,
             shared: Shared, *, kept: bool = True) -> dict[str, Any]:
    """The pair's adopters as the event report counts them (storage.alerts.adopters).

    Measured once per event over the widest window a rule usually asks (OPEN, 72 h) and cut
    for narrower ones: an actor's first post within W is its first within 72 h if it falls
    before T0 + W, and a post's attribution does not depend on events after it."""
    t0 = pair["occurred_at"]
    key, read = _adopters_read(pair, window, kept=kept)
    every = shared.get(key, lambda: read(conn))
    end = t0 + window
    found = [a for a in every.get(pair["narrative"], []) if a["posted_at"] <= end]
    lags = [round((a["posted_at"] - t0).total_seconds() / 3600, 2) for a in found]
    return {"adopters": [{"actor": a["actor"], "group": a["group"], "url": a["url"],
                          "lag_hours": lag} for a, lag in zip(found, lags, strict=True)],
            "w24": sum(1 for lag in lags if lag <= 24)}


def evaluate_convergence(conn: Conn, rule: AlertRule, upto: datetime,
                         open_incidents: list[Incident] | None = None,
                         recent: q.Recent | None = None, *,
                         shared: Shared | None = None) -> Evaluation:
    """`recent` (bench/alerts.py's baseline): measure every pair that adoptions posted in
    that period touch, instead of those that new tags and labels touch.

    Every pair of one event is measured by one query for all narratives, shared by the
    run's rules (storage.alerts.adopters, monitor.alerts.shared)."""
    shared = shared or Shared()
    p = rule.params
    k, groups = int(str(p["k"])), int(str(p["groups"]))
    window = timedelta(hours=float(str(p["window_hours"])))
    since = rule.seen_until or upto
    statuses = [str(s) for s in p["statuses"]] if isinstance(p["statuses"], list) else []
    findings: list[Finding] = []
    opened = {i.incident_key for i in open_incidents or []}
    narrative = _str(p, "narrative")
    pairs = shared.get(
        ("pairs", since, upto, tuple(statuses), window, recent),
        lambda: q.affected_pairs(conn, since=since, upto=upto, narrative=None,
                                 statuses=statuses, window=window, recent=recent))
    firsts = list({p["event_id"]: p for p in reversed(pairs)}.values())[::-1]
    for later in firsts[1:]:  # read on the run's workers while the first is measured here
        shared.start_read(*_adopters_read(later, window, kept=recent is None))
    for pair in pairs:
        if narrative and pair["narrative"] != narrative:
            continue
        key = f"event:{pair['event_id']}:{pair['narrative']}"
        # The full-query baseline (recent) reads every frame in full, as it always did.
        measure = _measure(conn, pair, window, shared, kept=recent is None)
        adopters = measure["adopters"]
        camps = sorted({str(a["group"]) for a in adopters if a.get("group")})
        if len(adopters) < k or len(camps) < groups:
            if key in opened:  # it shrank under the bound (labels rejected tags): retract
                findings.append(Finding(
                    key, f"{pair['narrative']}: retracted, now {len(adopters)} actors from "
                    f"{len(camps)} camps after {clean_line(pair['event_name'], 80)}",
                    {"narrative": pair["narrative"], "actors": len(adopters), "camps": camps,
                     "event": {"id": pair["event_id"], "name": pair["event_name"]}},
                    state="resolved"))
            continue
        detail: dict[str, Any] = {
            "event": {"id": pair["event_id"], "name": pair["event_name"],
                      "occurred_at": pair["occurred_at"].isoformat(), "status": pair["status"]},
            "narrative": pair["narrative"], "actors": len(adopters), "camps": camps,
            "adopters": [{"actor": a["actor"], "group": a["group"], "lag_hours": a["lag_hours"],
                          "url": a["url"]} for a in adopters[:LISTED]],
            "window_hours": window.total_seconds() / 3600}
        bound = p.get("placebo_p")
        if bound is not None:
            sig = significance(conn, pair["event_id"], pair["occurred_at"],
                               {pair["narrative"]: int(measure["w24"])})
            placebo_p = sig[pair["narrative"]]["placebo_p"]
            if placebo_p is None or placebo_p > float(str(bound)):
                continue
            detail["placebo_p"] = placebo_p
        summary = (f"{pair['narrative']}: {len(adopters)} actors from {len(camps)} camps "
                   f"within {detail['window_hours']:g} h of "
                   f"{clean_line(pair['event_name'], 80)}")
        findings.append(Finding(key, summary, detail))
    return Evaluation(findings, rule.seen_post_id, upto)
