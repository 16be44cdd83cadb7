"""`chorus db migrate | status`."""

from __future__ import annotations

import click

from monitor.app import App, pass_app
from monitor.output import print_json, print_table
from storage.migrate import migrate, status


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("migrate")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def migrate_cmd(app: App, as_json: bool) -> None:
    """Apply pending migrations (safe to run concurrently and repeatedly)."""
    applied = migrate(app.db)
    if as_json:
        print_json({"applied": [f"{m.version:03d}_{m.name}" for m in applied]})
    elif applied:
        for m in applied:
            click.echo(f"applied {m.version:03d}_{m.name}")
    else:
        click.echo("schema is up to date")


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
