"""`chorus network export | show`: the citation and co-adoption graph."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from monitor import network
from monitor.app import App, pass_app
from monitor.commands.convergence import parse_moment
from monitor.output import print_json
from storage.network import LAYERS


def _scope_options(func: click.decorators.FC) -> click.decorators.FC:
    for option in reversed([
        click.option("--since", help="Period start (ISO 8601 with offset, or a UTC date)."),
        click.option("--until", help="Period end (default: now; the period defaults to 30 days)."),
        click.option("--event", "event_ref", help="An event's window (7 days before, 72 h after)."),
        click.option("--narrative", help="Only posts carrying this narrative."),
        click.option("--layer", "layers", multiple=True, type=click.Choice(list(LAYERS)),
                     help="Edges: forward, amplify (retweets, quotes), mention (mentions, links, "
                          "replies), coadoption (default: all)."),
        click.option("--level", type=click.Choice(list(network.LEVELS)), default="source",
                     show_default=True, help="Nodes: sources, or rolled up to actors or camps."),
    ]):
        func = option(func)
    return func


def _graph(app: App, since: str | None, until: str | None, event_ref: str | None,
           narrative: str | None, layers: tuple[str, ...], level: network.Level) -> network.Graph:
    start: datetime | None = parse_moment(since, "--since") if since else None
    end: datetime | None = parse_moment(until, "--until", end_of_day=True) if until else None
    with app.db.connection() as conn, app.db.spare_connections(1) as helpers:
        scope = network.scope_for(conn, since=start, until=end, event_ref=event_ref,
                                  narrative=narrative)
        graph = network.build(conn, layers or tuple(LAYERS), scope, level,
                              helper=helpers[0] if helpers else None)
    network.analyse(graph)
    return graph


@click.group("network")
def network_group() -> None:
    """Who amplifies whom: forwards, mentions, quotes/retweets and co-adoption."""


@network_group.command("export")
@click.option("--format", "fmt", type=click.Choice(list(network.FORMATS)), required=True,
              help="gexf or graphml (Gephi, with node attributes), or csv (the edge table).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@_scope_options
@pass_app
def export_cmd(app: App, fmt: str, output: Path | None, since: str | None, until: str | None,
               event_ref: str | None, narrative: str | None, layers: tuple[str, ...],
               level: network.Level) -> None:
    """Export the graph for Gephi (nodes carry actor, camp, role, counts, community)."""
    data = network.FORMATS[fmt](_graph(app, since, until, event_ref, narrative, layers, level))
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"wrote {output}", err=True)


@network_group.command("show")
@_scope_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def show_cmd(app: App, since: str | None, until: str | None, event_ref: str | None,
             narrative: str | None, layers: tuple[str, ...], level: network.Level,
             as_json: bool) -> None:
    """Communities, the most central nodes and who bridges camps."""
    result = network.summary(_graph(app, since, until, event_ref, narrative, layers, level))
    if as_json:
        print_json(result)
        return
    click.echo(f"{result['nodes']} nodes, {result['edges']} edges "
               f"({result['since']} to {result['until']})")
    for index, members in enumerate(result["communities"]):
        click.echo(f"community {index}: {', '.join(members[:12])}"
                   + (f" and {len(members) - 12} more" if len(members) > 12 else ""))
    for bridge in result["bridges"]:
        click.echo(f"bridge: {bridge['label']} ({bridge['camp']}) reaches "
                   f"{bridge['camps_bridged']} other camps, weight {bridge['cross_camp_weight']}")


COMMANDS = [network_group]
