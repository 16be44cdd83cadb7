"""Compose the digest for one day from the convergence measures (all computed in SQL).

- Converging narratives: those that two or more actors adopted. A narrative is measured
  against a confirmed event when one happened in the post-window before the period's end
  (its report cut off at the period's end, so later posts never leak in) and one of its
  adopters posted inside the period; otherwise against the day itself (period report).
- Pre-positioning flags: from the reports of confirmed events at most 24 h before the
  period's start or inside it, so a flag appears in the first digests after its event.
  Only pre-positioning that mattered is flagged (the report's `prepositioned`: the
  narrative then converged, or the post names the event), including posts inside an
  earlier event's post-window; a post is flagged once, for the nearest event.
- Coordinated copies: clusters inside the period. Candidate events: proposals for the
  period's UTC days not explained by a confirmed event, and stored candidates in it.
- Collection health: monitor.health over the same period. Chart: adopting actors per
  narrative per UTC day over the 14 days ending with the digest date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from monitor.digest.charts import adopters_chart
from monitor.digest.model import (
    CandidateEvent,
    Chart,
    ConvergingNarrative,
    CopyCluster,
    Digest,
    ExamplePost,
    PrepositionFlag,
    SourceLine,
)
from monitor.digest.schedule import period
from monitor.health import source_statuses
from monitor.settings import Config
from storage import convergence
from storage import digests as digest_rows
from storage.database import Database

MIN_ADOPTERS = 2  # "converging": at least this many distinct actors
MAX_EXAMPLES = 3
CHART_DAYS = 14
FLAG_AFTER = timedelta(hours=24)


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _pick_examples(adopters: list[dict[str, Any]]) -> list[int]:
    """The first mover, then adopters from groups not shown yet, then the next ones."""
    picked: list[dict[str, Any]] = []
    for adopter in adopters:
        if len(picked) < MAX_EXAMPLES and adopter["group"] not in {p["group"] for p in picked}:
            picked.append(adopter)
    for adopter in adopters:
        if len(picked) < MAX_EXAMPLES and adopter not in picked:
            picked.append(adopter)
    return [int(a["post_id"]) for a in picked]


def _example(post: dict[str, Any]) -> ExamplePost:
    return ExamplePost(
        actor=str(post["actor"] or post["handle"]), group=str(post["group"] or ""),
        platform=str(post["platform"]), posted_at=post["posted_at"],
        lang=str(post["lang"] or "und"), text=str(post["text"]), url=post["url"])


class _Reports:
    """The convergence reports one digest needs, read in one transaction."""

    def __init__(self, config: Config, since: datetime, until: datetime) -> None:
        self.since, self.until = since, until
        self.k = config.convergence_k
        self.pre_days = float(config.pre_window_days)
        self.post_hours = float(config.post_window_hours)

    def read(self, conn: Any, day: date) -> None:
        self.period = convergence.period_report(conn, self.since, self.until, k=self.k)
        events = digest_rows.events_between(
            conn, self.since - timedelta(hours=self.post_hours), self.until, "confirmed")
        self.events = []
        for event in reversed(events):  # the most recent event anchors first
            hours = min(self.post_hours, (self.until - event["occurred_at"]).total_seconds() / 3600)
            self.events.append((event, convergence.event_report(
                conn, int(event["id"]), k=self.k, pre_days=self.pre_days, post_hours=hours)))
        last_instant = self.until - timedelta(microseconds=1)
        self.proposals = convergence.propose_candidate_events(conn, self.since, last_instant,
                                                              store=False)
        self.stored_candidates = digest_rows.events_between(conn, self.since, self.until,
                                                            "candidate")
        first_day = day - timedelta(days=CHART_DAYS - 1)
        self.series = convergence.daily_series(conn, first_day, day)
        self.posts_in_period = digest_rows.posts_between(conn, self.since, self.until)

    def converging(self) -> list[tuple[dict[str, Any], str]]:
        chosen: dict[str, tuple[dict[str, Any], str]] = {}
        for event, report in self.events:
            for entry in report["narratives"]:
                adopters = entry["adopters"]
                inside = [a for a in adopters
                          if self.since <= (_time(a["first_post_at"]) or self.since) < self.until]
                if len(adopters) >= MIN_ADOPTERS and inside and entry["narrative"] not in chosen:
                    at = event["occurred_at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
                    chosen[entry["narrative"]] = (entry, f"{event['name']} ({at})")
        for entry in self.period["narratives"]:
            if len(entry["adopters"]) >= MIN_ADOPTERS and entry["narrative"] not in chosen:
                chosen[entry["narrative"]] = (entry, "the start of the day (no event)")
        return sorted(chosen.values(), key=lambda pair: (-pair[0]["score"], pair[0]["narrative"]))

    def flag_events(self) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
        for event, report in self.events:
            if event["occurred_at"] >= self.since - FLAG_AFTER:
                yield event, report


def _converging(reports: _Reports, posts: dict[int, dict[str, Any]],
                k: int) -> list[ConvergingNarrative]:
    out = []
    for entry, anchor in reports.converging():
        adopters = entry["adopters"]
        first = entry["first_mover"] or {}
        out.append(ConvergingNarrative(
            key=entry["narrative"], name=str(entry["name"] or entry["narrative"]),
            adopters=len(adopters), groups=sorted({str(a["group"]) for a in adopters}),
            first_mover=first.get("actor"), first_move_at=_time(first.get("first_post_at")),
            time_to_k_hours=entry["time_to_k_hours"], k=k, score=float(entry["score"]),
            anchor=anchor,
            examples=[_example(posts[i]) for i in _pick_examples(adopters) if i in posts]))
    return out


def _flags(reports: _Reports, posts: dict[int, dict[str, Any]]) -> list[PrepositionFlag]:
    nearest: dict[tuple[int, str], PrepositionFlag] = {}
    for event, report in reports.flag_events():
        for entry in report["narratives"]:
            for item in entry["prepositioned"]:
                post = posts.get(int(item["post_id"]))
                if post is None:
                    continue
                flag = PrepositionFlag(
                    narrative=entry["narrative"], event=str(event["name"]),
                    actor=str(item["actor"]), hours_before=float(item["hours_before"]),
                    edited_after_event=bool(item["edited_after_event"]), post=_example(post))
                key = (int(item["post_id"]), entry["narrative"])
                if key not in nearest or flag.hours_before < nearest[key].hours_before:
                    nearest[key] = flag
    return sorted(nearest.values(), key=lambda f: (f.event, -f.hours_before, f.actor))


def _copies(reports: _Reports, posts: dict[int, dict[str, Any]]) -> list[CopyCluster]:
    out = []
    for entry in reports.period["narratives"]:
        for cluster in entry["coordinated_copies"]:
            members = [posts[int(p["post_id"])] for p in cluster["posts"][:MAX_EXAMPLES]
                       if int(p["post_id"]) in posts]
            out.append(CopyCluster(
                narrative=entry["narrative"],
                actors=list(dict.fromkeys(str(p["actor"]) for p in cluster["posts"])),
                posts=[_example(p) for p in members]))
    return out


def _candidates(reports: _Reports) -> list[CandidateEvent]:
    found: dict[str, CandidateEvent] = {}
    for stored in reports.stored_candidates:
        found[str(stored["name"])] = CandidateEvent(
            name=str(stored["name"]), at=stored["occurred_at"],
            description=str(stored["description"]), narratives=[])
    for proposal in reports.proposals:
        name = str(proposal.get("name") or f"Candidate burst {proposal['days'][0]}")
        if proposal["explained_by"] or name in found:
            continue
        at = _time(proposal["at"])
        if at is None or not reports.since <= at < reports.until:
            continue
        found[name] = CandidateEvent(
            name=name, at=at, narratives=[],
            description=(f"{proposal['actors']} actors in {proposal['groups']} groups posted "
                         "far above their own baseline"))
    return sorted(found.values(), key=lambda c: c.at)


def _wanted_posts(reports: _Reports) -> list[int]:
    ids: list[int] = []
    for entry, _ in reports.converging():
        ids += _pick_examples(entry["adopters"])
    for _, report in reports.flag_events():
        ids += [int(i["post_id"]) for e in report["narratives"] for i in e["prepositioned"]]
    for entry in reports.period["narratives"]:
        ids += [int(p["post_id"]) for c in entry["coordinated_copies"]
                for p in c["posts"][:MAX_EXAMPLES]]
    return sorted(set(ids))


def _chart(reports: _Reports, day: date) -> Chart:
    days = [day - timedelta(days=CHART_DAYS - 1 - i) for i in range(CHART_DAYS)]
    series: dict[str, dict[date, int]] = {}
    for row in reports.series:
        if row["actors"]:
            series.setdefault(row["narrative"], {})[date.fromisoformat(row["day"])] = row["actors"]
    return adopters_chart(series, days, cid=f"adopters-{day.isoformat()}@chorus.digest",
                          title="Adopting actors per narrative per day (UTC)")


def build_digest(config: Config, db: Database, day: date, *,
                 now: datetime | None = None) -> Digest:
    """Everything the digest for `day` says; nothing is sent or recorded."""
    since, until = period(config, day)
    generated = now or datetime.now(UTC)
    reports = _Reports(config, since, until)
    with db.connection() as conn:
        reports.read(conn, day)
        posts = digest_rows.example_posts(conn, _wanted_posts(reports))
    sources = [
        SourceLine(s.platform, s.handle, s.actor, s.condition, s.reason, s.last_success_at,
                   s.last_error, s.posts_in_period)
        for s in source_statuses(config, db, since, until, min(generated, until))
    ]
    return Digest(
        digest_date=day, timezone=config.timezone, since=since, until=until,
        generated_at=generated, console_url=config.console_url,
        converging=_converging(reports, posts, reports.k), prepositioned=_flags(reports, posts),
        copies=_copies(reports, posts), candidates=_candidates(reports), sources=sources,
        charts=[_chart(reports, day)], posts_in_period=reports.posts_in_period,
    )
