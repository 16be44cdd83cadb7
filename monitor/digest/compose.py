"""Compose the digest for one day from the convergence measures (all computed in SQL).

The story leads (monitor.digest.sections): the events of the period, each with what
converged after it, measured against the event each adoption answers (attribution, never
"the most recent event takes all"), then the narratives that converged with no event, then
the pre-positioning that mattered for each event and a brief count of the other narrative
posts before it. After the story:

- Coordinated copies: clusters inside the period (the period report's).
- Candidate events: proposals for the period's UTC days not explained by a confirmed event,
  and stored candidates in it.
- Collection health: monitor.health over the same period. Chart: adopting actors per
  narrative per UTC day over the 14 days ending with the digest date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from monitor.digest.charts import adopters_chart
from monitor.digest.model import (
    CandidateEvent,
    Chart,
    ConvergingNarrative,
    CopyCluster,
    Digest,
    MissingLine,
    SourceLine,
)
from monitor.digest.reports import CHART_DAYS, Reports, read_reports
from monitor.digest.schedule import period
from monitor.digest.sections import (
    MAX_EXAMPLES,
    Posts,
    event_sections,
    example,
    unanchored,
    wanted_posts,
)
from monitor.health import source_statuses
from monitor.settings import Config
from storage import completeness
from storage import digests as digest_rows
from storage.database import Database


def _copies(reports: Reports, posts: Posts) -> list[CopyCluster]:
    out = []
    for entry in reports.period["narratives"]:
        for cluster in entry["coordinated_copies"]:
            members = [posts[int(p["post_id"])] for p in cluster["posts"][:MAX_EXAMPLES]
                       if int(p["post_id"]) in posts]
            out.append(CopyCluster(
                narrative=entry["narrative"],
                actors=list(dict.fromkeys(str(p["actor"]) for p in cluster["posts"])),
                posts=[example(p) for p in members]))
    return out


def _copy_posts(reports: Reports) -> list[int]:
    return [int(p["post_id"]) for entry in reports.period["narratives"]
            for c in entry["coordinated_copies"] for p in c["posts"][:MAX_EXAMPLES]]


def _candidates(reports: Reports) -> list[CandidateEvent]:
    found: dict[str, CandidateEvent] = {}
    for stored in reports.stored_candidates:
        found[stored["name"]] = CandidateEvent(
            name=stored["name"], at=stored["occurred_at"],
            description=stored["description"], narratives=[])
    for proposal in reports.proposals:
        name = str(proposal.get("name") or f"Candidate burst {proposal['days'][0]}")
        if proposal["explained_by"] or name in found or proposal["at"] is None:
            continue
        at = datetime.fromisoformat(proposal["at"])
        if not reports.since <= at < reports.until:
            continue
        found[name] = CandidateEvent(
            name=name, at=at, narratives=[],
            description=(f"{proposal['actors']} actors in {proposal['groups']} groups posted "
                         "far above their own baseline"))
    return sorted(found.values(), key=lambda c: c.at)


def _chart(reports: Reports, day: date) -> Chart:
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
    with db.connection() as conn:
        reports = read_reports(config, conn, since, until, day)
        posts = digest_rows.example_posts(
            conn, sorted(set(wanted_posts(reports)) | set(_copy_posts(reports))))
        gaps = completeness.days(conn, since.astimezone(UTC).date(),
                                 (until - timedelta(microseconds=1)).astimezone(UTC).date())
    missing = sorted((MissingLine(g["platform"], g["handle"], g["day"], completeness.unseen(g),
                                  g["recovered"]) for g in gaps if completeness.unseen(g)),
                     key=lambda m: (-m.possible_missing, m.platform, m.handle, m.day))
    sources = [
        SourceLine(s.platform, s.handle, s.actor, s.condition, s.reason, s.last_success_at,
                   s.last_error, s.posts_in_period)
        for s in source_statuses(config, db, since, until, min(generated, until))
    ]
    events = event_sections(reports, posts)
    without_event = unanchored(reports, posts, events)
    converging: list[ConvergingNarrative] = [n for e in events for n in e.converging]
    converging = sorted(converging + without_event, key=lambda n: (-(n.score or 0.0), n.key))
    return Digest(
        digest_date=day, timezone=config.timezone, since=since, until=until,
        generated_at=generated, console_url=config.console_url,
        converging=converging, prepositioned=[f for e in events for f in e.prepositioned],
        copies=_copies(reports, posts), candidates=_candidates(reports), sources=sources,
        charts=[_chart(reports, day)], posts_in_period=reports.posts_in_period,
        events=events, unanchored=without_event, missing=missing,
    )
