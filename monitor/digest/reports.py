"""The convergence reports one digest needs, read in one transaction (all computed in SQL).

- One event report per confirmed event whose post-window reaches into the period (it
  happened at most post_window_hours before the period's end), its post-window cut off at
  the period's end so later posts never leak in. Each report counts only the adopters whose
  posts answer its event (storage.convergence.attribution): an event never takes a
  narrative because it is the most recent one.
- The period report (the day itself as T0), for narratives that converged with no event.
- Candidate events (proposals for the period's UTC days and stored candidates), the
  daily series for the chart, the posts collected in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from monitor.settings import Config
from storage import digests as digest_rows
from storage.convergence import report as convergence
from storage.database import Conn

CHART_DAYS = 14
FLAG_AFTER = timedelta(hours=24)  # an event's pre-positioning is reported this long after it


@dataclass
class EventReport:
    event: digest_rows.EventRow
    report: dict[str, Any]
    hours_seen: float  # of the post-window, how many hours the period's end lets in


@dataclass
class Reports:
    since: datetime
    until: datetime
    k: int
    pre_days: float
    post_hours: float
    events: list[EventReport] = field(default_factory=list)  # chronological
    period: dict[str, Any] = field(default_factory=dict)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    stored_candidates: list[digest_rows.EventRow] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)
    posts_in_period: int = 0

    def flagged(self, event: digest_rows.EventRow) -> bool:
        """Whether this digest reports pre-positioning for the event: it happened in the
        period or at most FLAG_AFTER before it (so a flag appears in the first digests
        after its event)."""
        return event["occurred_at"] >= self.since - FLAG_AFTER


def read_reports(config: Config, conn: Conn, since: datetime, until: datetime,
                 day: date) -> Reports:
    reports = Reports(since, until, config.convergence_k, float(config.pre_window_days),
                      float(config.post_window_hours))
    reports.period = convergence.period_report(conn, since, until, k=reports.k)
    for event in digest_rows.events_between(
            conn, since - timedelta(hours=reports.post_hours), until, "confirmed"):
        hours = min(reports.post_hours, (until - event["occurred_at"]).total_seconds() / 3600)
        report = convergence.event_report(conn, event["id"], k=reports.k,
                                          pre_days=reports.pre_days, post_hours=hours)
        reports.events.append(EventReport(event, report, hours))
    last_instant = until - timedelta(microseconds=1)
    reports.proposals = convergence.propose_candidate_events(conn, since, last_instant,
                                                             store=False)
    reports.stored_candidates = digest_rows.events_between(conn, since, until, "candidate")
    reports.series = convergence.daily_series(conn, day - timedelta(days=CHART_DAYS - 1), day)
    reports.posts_in_period = digest_rows.posts_between(conn, since, until)
    return reports
