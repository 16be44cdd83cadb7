"""`chorus collect [--platform telegram|twitter] [--source HANDLE] [--once]`."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

import click
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from monitor.app import App, pass_app
from monitor.collecting import SourceRunResult, collect
from monitor.output import print_json, print_table

ROUND_PAUSE_S = 60  # between rounds without --once: each source keeps its own interval


def _progress(enabled: bool) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                    disable=not enabled, transient=True)


async def _round(app: App, platform: str | None, source: str | None,
                 progress: Progress) -> list[SourceRunResult]:
    tasks: dict[int, TaskID] = {}

    def show(result: SourceRunResult) -> None:
        label = (f"{result.platform}/{result.handle}: {result.status}, {result.fetched} "
                 f"fetched, {result.inserted} new")
        if result.source_id not in tasks:
            tasks[result.source_id] = progress.add_task(label, total=None)
        progress.update(tasks[result.source_id], description=label)

    return await collect(app.config, app.db, platform=platform, source=source,
                         on_progress=show)


def _report(app: App, results: list[SourceRunResult], as_json: bool) -> None:
    if as_json:
        print_json([r.as_dict() for r in results])
        return
    if not results:
        click.echo("nothing due")
        return
    rows = [{**r.as_dict(), "source": f"{r.platform}/{r.handle}"} for r in results]
    print_table(app.console, rows, ["source", "status", "fetched", "inserted", "updated",
                                    "deleted", "errors"])
    for r in results:  # the reasons in full, one line each, below the table
        if r.error:
            click.echo(f"{r.platform}/{r.handle}: {r.status}: {r.error}")


@click.command("collect")
@click.option("--platform", type=click.Choice(["telegram", "twitter"]), default=None,
              help="Only this platform.")
@click.option("--source", "source", default=None, metavar="HANDLE",
              help="Only this source (collected even if not yet due).")
@click.option("--once", is_flag=True, help="Run what is due once and exit.")
@click.option("--json", "as_json", is_flag=True, help="Print each source's result as JSON.")
@pass_app
def collect_cmd(app: App, platform: str | None, source: str | None, once: bool,
                as_json: bool) -> None:
    """Collect the watchlist's due sources (every minute until interrupted, or --once)."""
    source = source.strip().lstrip("@") if source else None
    while True:
        with _progress(sys.stderr.isatty() and not as_json) as progress:
            results = asyncio.run(_round(app, platform, source, progress))
        _report(app, results, as_json)
        if once:
            return
        click.echo(f"{datetime.now(UTC):%H:%M:%S} next round in {ROUND_PAUSE_S}s "
                   "(Ctrl-C to stop)", err=True)
        asyncio.run(asyncio.sleep(ROUND_PAUSE_S))


COMMANDS = [collect_cmd]
