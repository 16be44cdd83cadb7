"""Dashboard: narratives x last 14 days heatmap, today's unusual narratives, candidate events,
collection health (blind versus quiet sources)."""

from __future__ import annotations

from datetime import date, timedelta

from starlette.responses import Response

from monitor.console.charts import days_between, heatmap
from monitor.console.forms import parse_moment
from monitor.console.templating import english_name
from monitor.console.web import PageError, PageRequest
from monitor.health import source_statuses
from storage.console import dashboard as console_dashboard
from storage.convergence.report import daily_series

HEATMAP_DAYS = 14


def dashboard_page(req: PageRequest) -> Response:
    with req.state.db.connection() as conn:
        now = console_dashboard.server_time(conn)
        narratives = console_dashboard.narrative_keys(conn)
        raw_day = req.query.get("day", "").strip()
        if raw_day:
            try:
                day = parse_moment(raw_day, "day").date()
            except ValueError as exc:
                raise PageError(str(exc)) from None
        else:
            day = console_dashboard.newest_post_day(conn) or now.date()
        days = days_between(day - timedelta(days=HEATMAP_DAYS - 1), day)
        # One definition of "unusual" for the digest and the console: convergence's z score.
        series = daily_series(conn, days[0], day)
        candidates = console_dashboard.candidate_events(conn)
    counts = {(str(r["narrative"]), date.fromisoformat(r["day"])): int(r["actors"])
              for r in series}
    names = {str(n["key"]): english_name(n["names"], str(n["key"])) for n in narratives}
    unusual = sorted((r for r in series if r["day"] == day.isoformat() and r["unusual"]),
                     key=lambda r: -float(r["z"]))
    health = source_statuses(req.state.config, req.state.db, now - timedelta(hours=24), now, now)
    return req.render(
        "dashboard.html", day=day, days=days, heat=heatmap(counts, narratives, days),
        unusual=unusual, names=names, candidates=candidates,
        blind=[s for s in health if s.condition == "blind"],
        quiet=[s for s in health if s.condition == "quiet"],
        healthy=sum(s.condition == "ok" for s in health), now=now,
        previous_day=day - timedelta(days=1), next_day=day + timedelta(days=1))
