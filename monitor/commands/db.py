"""`chorus db migrate | status`."""

from __future__ import annotations

import click

from monitor.app import App, pass_app
from monitor.output import print_json, print_table
from monitor.seeding import sync_narratives
from storage.migrate import migrate, status


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("migrate")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def migrate_cmd(app: App, as_json: bool) -> None:
    """Apply pending migrations (safe to run concurrently and repeatedly), then load the
    narrative taxonomy from seeds/narratives.toml: imported analyst labels refer to it."""
    applied = migrate(app.db)
    narratives = sync_narratives(app.db)
    created = narratives.created.get("narratives", 0)
    known = narratives.updated.get("narratives", 0)
    if as_json:
        print_json({"applied": [f"{m.version:03d}_{m.name}" for m in applied],
                    "narratives": {"created": created, "updated": known}})
        return
    for m in applied:
        click.echo(f"applied {m.version:03d}_{m.name}")
    if not applied:
        click.echo("schema is up to date")
    click.echo(f"narratives: {created} new, {known} already known")


@db_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def status_cmd(app: App, as_json: bool) -> None:
    """List migrations and whether each is applied."""
    rows = status(app.db)
    if as_json:
        print_json({"migrations": rows, "pending": sum(not r["applied"] for r in rows)})
    else:
        print_table(app.console, rows, ["version", "name", "applied", "checksum_ok"])


COMMANDS = [db_group]
