"""The digest's story, from the reports (monitor.digest.reports): each event and what
converged after it, then the pre-positioning that mattered for it.

- Converging after an event: a narrative that MIN_ADOPTERS or more actors adopted in answer
  to the event (its report's adopters: attribution decides which event a post answers, so a
  later event never takes an adopter that does not name it), one of them inside the period.
  A narrative may converge after two events (different adopters answering each). Each comes
  with its camps (actor groups), first mover and lead time, time to k, significance against
  placebo windows and up to MAX_EXAMPLES example posts in their own language: the first
  mover, then adopters from camps not shown yet.
- Taken up by a single actor after an event (in the period): named in one line, so that
  the event each adoption answers stays on record.
- Converging without an event: a narrative MIN_ADOPTERS or more actors adopted in the period
  (the period report, the day as T0) and that converged after no event of the digest.
- Pre-positioning, for the events the digest flags (Reports.flagged): the report's
  `prepositioned` (the narrative then converged, or the post names the event). First the
  posts that name the event and whose narrative converged (a warning of this very event:
  "they prepare an explosion in the Green Zone to blame the resistance"), then the converged
  narratives' other earlier posts (the line pushed in general, often as an adoption of an
  earlier event, which the flag says), last the posts that only name the event (a keyword
  such as "Green Zone" in a post on another matter); each part earliest first (who laid the
  line down). One flag per post, for the nearest event, with every narrative it carries
  there. The report's `prepositioned_other` posts are only counted ("other narrative posts
  before the event"), those answering an earlier event as adoptions apart.
- Events shown: those with a converging narrative, those inside the period, and the
  flagged ones with posts before them. The flagged ones (the day's events) lead, then the
  earlier events still open; each part by its strongest convergence, then in time order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from monitor.digest.model import (
    ConvergingNarrative,
    EventSection,
    ExamplePost,
    LoneAdoption,
    OtherBefore,
    PrepositionFlag,
    Significance,
)
from monitor.digest.reports import EventReport, Reports
from storage.digests import ExampleRow

MIN_ADOPTERS = 2  # "converging": at least this many distinct actors
MAX_EXAMPLES = 3
Posts = dict[int, ExampleRow]


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def pick_examples(adopters: list[dict[str, Any]]) -> list[int]:
    """The first mover, then adopters from camps not shown yet, then the next ones."""
    picked: list[dict[str, Any]] = []
    for adopter in adopters:
        if len(picked) < MAX_EXAMPLES and adopter["group"] not in {p["group"] for p in picked}:
            picked.append(adopter)
    for adopter in adopters:
        if len(picked) < MAX_EXAMPLES and adopter not in picked:
            picked.append(adopter)
    return [int(a["post_id"]) for a in picked]


def example(post: ExampleRow) -> ExamplePost:
    return ExamplePost(
        actor=post["actor"] or post["handle"], group=post["group"] or "",
        platform=post["platform"], posted_at=post["posted_at"],
        lang=post["lang"] or "und", text=post["text"], url=post["url"])


def _inside(reports: Reports, adopters: list[dict[str, Any]]) -> int:
    """How many adopters' first posts fall inside the period."""
    return sum(1 for a in adopters
               if reports.since <= (_time(a["first_post_at"]) or reports.since) < reports.until)


def _converging(reports: Reports, entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries with MIN_ADOPTERS adopters, one of them inside the period."""
    found = [e for e in entries
             if len(e["adopters"]) >= MIN_ADOPTERS and _inside(reports, e["adopters"])]
    return sorted(found, key=lambda e: (-float(e["score"]), e["narrative"]))


def _lone(reports: Reports, event: EventReport) -> list[LoneAdoption]:
    """Narratives with fewer than MIN_ADOPTERS adopters answering the event, one of them
    inside the period."""
    return [LoneAdoption(e["narrative"], str(a["actor"]), float(a["lag_hours"]))
            for e in event.report["narratives"]
            if 0 < len(e["adopters"]) < MIN_ADOPTERS and _inside(reports, e["adopters"])
            for a in e["adopters"]]


def _significance(entry: dict[str, Any], hours_seen: float) -> Significance | None:
    found = entry.get("significance")
    if not found:
        return None
    return Significance(
        observed_24h=int(found["observed_24h"]), expected_24h=found["expected_24h"],
        placebo_p=found["placebo_p"], lift=found["lift"],
        placebo_windows=int(found["placebo_windows"]), note=found["note"],
        hours_seen=min(24.0, hours_seen))


def _narrative(reports: Reports, entry: dict[str, Any], posts: Posts, anchor: str,
               event: EventReport | None) -> ConvergingNarrative:
    adopters = entry["adopters"]
    first = entry["first_mover"] or {}
    k = reports.k
    return ConvergingNarrative(
        key=entry["narrative"], name=str(entry["name"] or entry["narrative"]),
        adopters=len(adopters), groups=sorted({str(a["group"]) for a in adopters}),
        first_mover=first.get("actor"), first_move_at=_time(first.get("first_post_at")),
        time_to_k_hours=entry["time_to_k_hours"], k=k, score=float(entry["score"]),
        anchor=anchor, event=event.event["name"] if event else None,
        first_lag_hours=first.get("lag_hours") if event else None,
        significance=_significance(entry, event.hours_seen) if event else None,
        actors=list(dict.fromkeys(str(a["actor"]) for a in adopters)),
        new_in_period=_inside(reports, adopters),
        examples=[example(posts[i]) for i in pick_examples(adopters) if i in posts])


def _anchor(event: EventReport) -> str:
    at = event.event["occurred_at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{event.event['name']} ({at})"


@dataclass
class _Flag:
    event_id: int
    hours_before: float
    item: dict[str, Any]
    narratives: list[str] = field(default_factory=list)
    converged: bool = False  # one of its narratives converged after the event


def _nearest(reports: Reports, key: str) -> dict[int, _Flag]:
    """Per post listed under `key` ('prepositioned' or 'prepositioned_other') of a flagged
    event: the nearest such event, with every narrative the post is listed for there."""
    best: dict[int, _Flag] = {}
    for event in reports.events:
        if not reports.flagged(event.event):
            continue
        for entry in event.report["narratives"]:
            for item in entry[key]:
                post_id, hours = int(item["post_id"]), float(item["hours_before"])
                found = best.get(post_id)
                converged = bool(entry.get("converged"))
                if found is None or hours < found.hours_before:
                    best[post_id] = _Flag(event.event["id"], hours, item, [entry["narrative"]],
                                          converged)
                elif found.event_id == event.event["id"]:
                    found.narratives.append(entry["narrative"])
                    found.converged = found.converged or converged
    return best


def _flags(reports: Reports, posts: Posts) -> dict[int, list[PrepositionFlag]]:
    names = {e.event["id"]: e.event["name"] for e in reports.events}
    by_event: dict[int, list[PrepositionFlag]] = {}
    for post_id, found in _nearest(reports, "prepositioned").items():
        post = posts.get(post_id)
        if post is None:
            continue
        answers = found.item.get("answers_event")
        by_event.setdefault(found.event_id, []).append(PrepositionFlag(
            narrative=found.narratives[0], narratives=found.narratives,
            event=names[found.event_id], actor=str(found.item["actor"]),
            hours_before=found.hours_before,
            edited_after_event=bool(found.item["edited_after_event"]),
            names_event=bool(found.item.get("names_event")), converged=found.converged,
            answers_event=str(answers["name"]) if answers else None, post=example(post)))
    for flags in by_event.values():
        flags.sort(key=lambda f: (_tier(f), -f.hours_before, f.actor))
    return by_event


def _tier(flag: PrepositionFlag) -> int:
    """0: names the event and its narrative converged; 1: the narrative converged; 2: names
    the event only (an event keyword such as "Green Zone" in a post on another matter)."""
    if flag.converged:
        return 0 if flag.names_event else 1
    return 2


def _others(reports: Reports, flagged: set[int]) -> dict[int, OtherBefore]:
    """The brief count of the other narrative posts before each flagged event."""
    per_event: dict[int, list[_Flag]] = {}
    earlier: Counter[int] = Counter()
    for post_id, found in _nearest(reports, "prepositioned_other").items():
        if post_id in flagged:
            continue
        if found.item.get("answers_event"):
            earlier[found.event_id] += 1
        else:
            per_event.setdefault(found.event_id, []).append(found)
    for event_id in earlier:
        per_event.setdefault(event_id, [])
    cut = {e.event["id"] for e in reports.events for n in e.report["narratives"]
           if len(n["prepositioned"]) + len(n["prepositioned_other"])
           < int(n.get("prepositioned_posts", 0))}
    out = {}
    for event_id, listed in per_event.items():
        counts = Counter(n for f in listed for n in f.narratives)
        out[event_id] = OtherBefore(
            posts=len(listed),
            actors=sorted({str(f.item["actor"]) for f in listed}),
            narratives=sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])),
            at_least=event_id in cut, answering_earlier=earlier[event_id])
    return out


def wanted_posts(reports: Reports) -> list[int]:
    """The posts the story quotes: examples and pre-positioning flags."""
    ids: list[int] = []
    for event in reports.events:
        for entry in _converging(reports, event.report["narratives"]):
            ids += pick_examples(entry["adopters"])
    for entry in _converging(reports, reports.period["narratives"]):
        ids += pick_examples(entry["adopters"])
    ids += list(_nearest(reports, "prepositioned"))
    return sorted(set(ids))


def event_sections(reports: Reports, posts: Posts) -> list[EventSection]:
    flags = _flags(reports, posts)
    others = _others(reports, set(_nearest(reports, "prepositioned")))
    sections = []
    for event in reports.events:
        row = event.event
        converging = [_narrative(reports, e, posts, _anchor(event), event)
                      for e in _converging(reports, event.report["narratives"])]
        in_period = row["occurred_at"] >= reports.since
        flagged = reports.flagged(row)
        listed = flags.get(row["id"], [])
        other = others.get(row["id"])
        if converging or in_period or (flagged and (listed or other)):
            sections.append(EventSection(
                event_id=row["id"], name=row["name"], at=row["occurred_at"],
                description=row["description"], converging=converging,
                prepositioned=listed, other_before=other, in_period=in_period,
                flagged=flagged, lone=_lone(reports, event)))
    return sorted(sections, key=lambda e: (not e.flagged, -_best(e), e.at))


def _best(section: EventSection) -> float:
    return max((n.score or 0.0 for n in section.converging), default=0.0)


def unanchored(reports: Reports, posts: Posts, sections: list[EventSection]) -> list[
        ConvergingNarrative]:
    """Narratives that converged in the period after no event of the digest."""
    anchored = {n.key for s in sections for n in s.converging}
    return [_narrative(reports, e, posts, "the start of the day (no event)", None)
            for e in _converging(reports, reports.period["narratives"])
            if e["narrative"] not in anchored]
