"""The `chorus` command line. Library code lives elsewhere; this module only wires commands."""

from __future__ import annotations

import importlib
import logging
from typing import Any

import click

from monitor.app import App
from monitor.errors import USER_ERRORS, describe
from monitor.logs import setup_logging
from storage.database import DatabaseError

# Each module in monitor/commands exposes COMMANDS (top-level) and may expose
# IMPORT_COMMANDS (sub-commands of `chorus import`).
COMMAND_MODULES = (
    "db", "config", "sources", "events", "imports", "platform_imports", "collect", "telegram", "classify",
    "convergence", "digest", "alerts", "daemon", "status", "console", "demo", "models", "network",
    "worker",
)


class ChorusGroup(click.Group):
    """Turns expected failures into one clear line and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            click.echo(f"error: {describe(exc)}", err=True)
            ctx.exit(2)
        except DatabaseError as exc:  # refused on a live connection: one line, not a traceback
            click.echo(f"error: {describe(exc)}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=ChorusGroup)
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """Chorus: narrative-convergence monitor for state and proxy messaging."""
    # `chorus telegram login` creates the secrets file it names; nothing else may find it missing.
    app = App(secrets_may_be_new=ctx.invoked_subcommand == "telegram")
    ctx.obj = app
    ctx.call_on_close(app.close)
    try:
        secrets = app.config.secret_values()
    except USER_ERRORS as exc:
        click.echo(f"error: {describe(exc)}", err=True)
        ctx.exit(2)
    setup_logging(secrets, logging.DEBUG if verbose else logging.WARNING)


@cli.group("import")
def import_group() -> None:
    """Import posts from files (generic JSONL, Telegram Desktop exports, twarc2 JSONL)."""


def _register() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"monitor.commands.{name}")  # a failure must surface
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)
        for command in getattr(module, "IMPORT_COMMANDS", ()):
            import_group.add_command(command)


_register()


def main() -> None:
    cli.main(prog_name="chorus", standalone_mode=True)


if __name__ == "__main__":  # pragma: no cover
    main()
