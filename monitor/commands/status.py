"""`chorus status [--json]`: per-source collection health, the daemon leader, jobs, digests,
alert deliveries."""

from __future__ import annotations

from typing import Any

import click

from monitor.app import App, pass_app
from monitor.health import COMPLETENESS_DAYS, status_report
from monitor.output import print_json, print_table
from storage.completeness import unseen


def _lag(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def status(app: App, as_json: bool) -> None:
    """Collection health per source (blind versus quiet), daemon leader, jobs, digests."""
    report = status_report(app.config, app.db)
    if as_json:
        print_json(report)
        return
    leader = report["leader"]
    click.echo("daemon leader: " + (f"{leader['name']} since {leader['since']:%Y-%m-%d %H:%M}"
                                    if leader else "none running"))
    rows: list[dict[str, Any]] = [
        {**s, "source": f"{s['platform']}/{s['handle']}",
         "condition": s["condition"] + (f" ({s['reason']})" if s["reason"] else ""),
         "lag": _lag(s["lag_seconds"]), "posts 24h": s["posts_in_period"],
         "missing 7d": s["possible_missing"] or ""}
        for s in report["sources"]
    ]
    print_table(app.console, rows, ["source", "actor", "condition", "last_success_at", "lag",
                                    "posts 24h", "missing 7d", "last_error_at", "last_error"],
                title=f"sources: {report['blind']} blind, {report['quiet']} quiet")
    gaps = report["completeness"]
    if gaps:
        click.echo(f"completeness: {sum(unseen(d) for d in gaps)} possible missing post(s) in "
                   f"{len({d['source_id'] for d in gaps})} source(s) over {COMPLETENESS_DAYS} days "
                   f"({sum(d['recovered'] for d in gaps)} recovered by a re-fetch)")
    tagging = report["tagging"]
    click.echo(f"tagging: {tagging['pending']} post(s) waiting, lag {_lag(tagging['lag_seconds'])}")
    alerts = report["alerts"]
    click.echo(f"alert deliveries: {alerts['sent']} sent, {alerts['failed']} failed, "
               f"{alerts['pending'] + alerts['sending']} pending")
    if report["jobs"]:
        print_table(app.console, report["jobs"], ["job", "status", "started_at",
                                                  "last_success_at", "failures_24h", "error"],
                    title="jobs")
    if report["digests"]:
        print_table(app.console, report["digests"], ["digest_date", "status", "transport",
                                                     "attempts", "sent_at", "last_error"],
                    title="digests")


COMMANDS = [status]
