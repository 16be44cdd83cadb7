"""`chorus alerts add | list | remove | test`: alert rules and their channels."""

from __future__ import annotations

import click

from monitor.alerts.manage import create_rule, describe, list_rules, remove_rule, send_test
from monitor.alerts.rules import KINDS, parse_channel, parse_params
from monitor.app import App, pass_app
from monitor.output import print_json, print_table


@click.group("alerts")
def alerts_group() -> None:
    """Alert rules: convergence, saved search and source health, sent by webhook or email."""


@alerts_group.command("add")
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), required=True,
              help="convergence (k actors from g camps within W hours of an event), search "
                   "(new posts matching a query and filters), prepositioning (an actor posts "
                   "a narrative that has not converged yet: watch it) or health (a source or "
                   "platform goes blind, a large gap of possible missing posts, or a source "
                   "silent far longer than its own history).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Repeatable. convergence: narrative, k, groups, window_hours, statuses "
                   "(confirmed,candidate), placebo_p; search: query, narrative, actor, group, "
                   "platform, lang; prepositioning: narrative, k (default 3), window_hours "
                   "(72); health: scope (source|platform), platform, source, checks "
                   "(blind,gaps,silence), gap_posts (50), silence_factor (3), "
                   "silence_percentile (0.95), silence_min_posts (10), silence_days (30).")
@click.option("--channel", "channels", multiple=True, required=True,
              metavar="webhook:NAME=URL[,format=slack][,secret=KEY] | email:ADDR[;ADDR]",
              help="Repeatable. A webhook is signed with the secret webhook_secret_KEY (KEY "
                   "defaults to NAME) from the secrets file or CHORUS_WEBHOOK_SECRET_KEY; "
                   "email uses the digest's SMTP settings.")
@click.option("--quiet", default=None, metavar="HH:MM-HH:MM",
              help="Quiet hours: alerts found then are held until they end.")
@click.option("--timezone", default="UTC", show_default=True, help="Time zone of --quiet.")
@click.option("--max-per-hour", default=12, show_default=True,
              help="Most alerts a channel of this rule gets per hour; the rest wait.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def add_cmd(app: App, name: str, kind: str, params: tuple[str, ...],
            channels: tuple[str, ...], quiet: str | None, timezone: str, max_per_hour: int,
            as_json: bool) -> None:
    """Add a rule; it alerts on what arrives from now on."""
    rule = create_rule(app.db, name, kind, parse_params(params),
                       [parse_channel(c) for c in channels], quiet=quiet, timezone=timezone,
                       max_per_hour=max_per_hour)
    if as_json:
        print_json(describe(rule))
    else:
        click.echo(f"added alert rule {rule.name} ({rule.kind})")


@alerts_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def list_cmd(app: App, as_json: bool) -> None:
    """The rules, their channels (by name) and when each last ran."""
    found = [describe(r) for r in list_rules(app.db)]
    if as_json:
        print_json(found)
        return
    print_table(app.console, [{**r, "channels": ", ".join(r["channels"])} for r in found],
                ["name", "kind", "params", "channels", "quiet_hours", "max_per_hour",
                 "evaluated_at"], title="alert rules")


@alerts_group.command("remove")
@click.argument("name")
@pass_app
def remove_cmd(app: App, name: str) -> None:
    """Remove a rule with its incidents and deliveries."""
    remove_rule(app.db, name)
    click.echo(f"removed alert rule {name}")


@alerts_group.command("test")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def test_cmd(app: App, name: str, as_json: bool) -> None:
    """Send a sample alert to each of the rule's channels now (nothing is recorded)."""
    outcome = send_test(app.config, app.db, name)
    if as_json:
        print_json(outcome)
    else:
        for channel, result in outcome.items():
            click.echo(f"{channel}: {result}")
    if any(r != "sent" for r in outcome.values()):
        raise click.exceptions.Exit(1)


COMMANDS = [alerts_group]
