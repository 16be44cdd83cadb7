"""`chorus demo [--no-serve]`: the main job on the embedded default."""

from __future__ import annotations

import click

from monitor.app import App, pass_app
from monitor.demo import StepReport, run_demo
from monitor.output import print_json
from storage.database import mask_url


@click.command("demo")
@click.option("--no-serve", is_flag=True, help="Stop after writing the digest.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8750, show_default=True, type=click.IntRange(1, 65535))
@click.option("--json", "as_json", is_flag=True, help="Print the step report as JSON.")
@pass_app
def demo(app: App, no_serve: bool, host: str, port: int, as_json: bool) -> None:
    """Replay September–November 2021: collect, classify, converge, digest, serve."""

    def say(report: StepReport) -> None:
        if not as_json:
            click.echo(f"[{report.seconds:7.1f}s] {report.name:<17} {report.detail}")

    if not as_json:
        click.echo(f"database: {mask_url(app.db.url)}")
    result = run_demo(app.config, app.db, say)
    base = f"http://{host}:{port}"
    if as_json:
        print_json({**result.as_dict(), "console": base})
    else:
        for path in result.digest_paths:
            click.echo(f"digest: {path}")
        if result.event_id is not None:
            click.echo(f"event page: {base}/events/{result.event_id}")
    if not no_serve:
        from monitor.commands.console import serve

        click.echo(f"console: {base}/  (Ctrl-C to stop)")
        serve(app, host, port)


COMMANDS = [demo]
