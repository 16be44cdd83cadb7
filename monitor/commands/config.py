"""`chorus config show`."""

from __future__ import annotations

import click

from monitor.app import App, pass_app
from monitor.output import print_json, print_table


@click.group("config")
def config_group() -> None:
    """Effective configuration."""


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def show_cmd(app: App, as_json: bool) -> None:
    """Print every setting with its help text; secrets are masked."""
    shown = app.config.show()
    if as_json:
        print_json({k: v["value"] for k, v in shown.items()})
        return
    rows = [{"setting": k, "value": v["value"], "help": v["help"]} for k, v in shown.items()]
    print_table(app.console, rows, ["setting", "value", "help"])


COMMANDS = [config_group]
