"""`chorus sources extract | sync | list | add`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from collectors.report_sources import extract
from monitor import discovery as discovery_lib
from monitor.app import App, pass_app
from monitor.errors import UserError
from monitor.output import print_json, print_table
from monitor.seeding import sync_seeds
from seeds.loader import GROUPS
from storage import catalog, discovery
from storage.migrate import migrate


@click.group("sources")
def sources_group() -> None:
    """The watchlist: sources, their actors and roles."""


@sources_group.command("extract")
@click.argument("reports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def extract_cmd(reports: tuple[Path, ...], as_json: bool) -> None:
    """Propose sources from the citations of analyst reports."""
    merged: dict[str, dict[str, dict[str, Any]]] = {}
    for report in reports:
        try:
            text = report.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise UserError(f"{report} is not UTF-8 text") from None
        for platform, candidates in extract(text).items():
            bucket = merged.setdefault(platform, {})
            for c in candidates:
                entry = bucket.setdefault(c.handle.lower(), {**c.as_dict(), "reports": [],
                                                             "citations": []})
                entry["reports"].append(report.name)
                entry["citations"].append({"report": report.name, "footnotes": c.footnotes,
                                           "names": c.names})
                entry["footnotes"] = sorted(set(entry["footnotes"]) | set(c.footnotes))
                entry["names"] = list(dict.fromkeys([*entry["names"], *c.names]))
                entry["posts"] = list(dict.fromkeys([*entry["posts"], *c.posts]))
    result = {platform: list(items.values()) for platform, items in merged.items()}
    if as_json:
        print_json(result)
        return
    console = App().console
    for platform in ("telegram", "twitter", "unresolved", "web"):
        rows = [
            {"handle": c["handle"], "footnotes": ", ".join(map(str, c["footnotes"])),
             "cited as": "; ".join(c["names"]), "posts": ", ".join(c["posts"])}
            for c in result.get(platform, [])
        ]
        if rows:
            print_table(console, rows, ["handle", "footnotes", "cited as", "posts"], title=platform)


@sources_group.command("sync")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def sync_cmd(app: App, as_json: bool) -> None:
    """Load seeds/*.toml (actors, sources, narratives, events); idempotent."""
    migrate(app.db)
    counts = sync_seeds(app.db)
    if as_json:
        print_json({"created": counts.created, "updated": counts.updated})
    else:
        for kind in ("actors", "sources", "narratives", "events"):
            click.echo(f"{kind}: {counts.created.get(kind, 0)} new, "
                       f"{counts.updated.get(kind, 0)} already known")


@sources_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def list_cmd(app: App, as_json: bool) -> None:
    """The watchlist with role, group, collection state and post counts."""
    with app.db.connection() as conn:
        rows = catalog.list_sources(conn)
    if as_json:
        print_json(rows)
    else:
        print_table(app.console, rows,
                    ["platform", "handle", "actor", "group", "role", "state", "last_success_at",
                     "posts"])


@sources_group.command("add")
@click.argument("platform", type=click.Choice(["telegram", "twitter"]))
@click.argument("handle")
@click.option("--actor", "actor_name", required=True, help="Actor (person or organisation).")
@click.option("--group", "group", required=True, help=f"Actor group, e.g. {', '.join(GROUPS[:4])}.")
@click.option("--role", type=click.Choice(["actor", "observer"]), required=True,
              help="actor: posts count as adoption; observer: context only.")
@click.option("--query", default=None, help="For a saved X search: the query to watch.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def add_cmd(app: App, platform: str, handle: str, actor_name: str, group: str, role: str,
            query: str | None, as_json: bool) -> None:
    """Add (or update) a source and its actor."""
    handle = handle.strip().lstrip("@")
    if not handle or any(ch.isspace() for ch in handle):
        raise UserError(f"invalid handle {handle!r}")
    if not group.replace("_", "").isalnum():
        raise UserError(f"invalid group {group!r}: use letters, digits and _")
    with app.db.connection() as conn:
        catalog.upsert_actor(conn, catalog.ActorSpec(actor_name, group))
        source_id, created = catalog.upsert_source(conn, catalog.SourceSpec(
            platform=platform, handle=handle, role=role, actor=actor_name,
            kind="search" if query else ("channel" if platform == "telegram" else "account"),
            query=query))
    if as_json:
        print_json({"id": source_id, "created": created})
    else:
        click.echo(f"{'added' if created else 'updated'} {platform}/{handle} (id {source_id})")


@sources_group.command("candidates")
@click.option("--min-refs", type=click.IntRange(min=1), default=2, show_default=True,
              help="Only candidates cited by at least this many posts.")
@click.option("--limit", type=click.IntRange(min=1, max=10_000), default=100, show_default=True)
@click.option("--evidence", "with_evidence", type=click.IntRange(min=0, max=50), default=3,
              show_default=True, help="Citing posts listed per candidate (--json).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def candidates_cmd(app: App, min_refs: int, limit: int, with_evidence: int, as_json: bool) -> None:
    """Channels and accounts the sources cite (forwards, mentions, links, quotes), ranked."""
    with app.db.connection() as conn:
        found = discovery.candidates(conn, min_refs=min_refs, limit=limit)
        if as_json:
            print_json([{**c, "evidence": discovery.evidence(conn, c["platform"], c["key"],
                                                             with_evidence)} for c in found])
            return
    print_table(app.console, [
        {**c, "actor_names": _first(c["actor_names"] or []), "kinds": ", ".join(c["kinds"]),
         "narratives": ", ".join(c["narratives"]), "platforms": ", ".join(c["platforms"])}
        for c in found],
        ["platform", "label", "posts", "actors", "citing_sources", "kinds", "actor_names",
         "narratives", "last_seen"])


def _first(names: list[str], shown: int = 4) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _ref(handle: str, platform: str | None) -> discovery_lib.CandidateRef:
    return discovery_lib.parse_ref(handle, platform)


@sources_group.command("accept")
@click.argument("handle")
@click.option("--platform", type=click.Choice(["telegram", "twitter"]), default=None,
              help="When the handle is cited on both platforms.")
@click.option("--handle", "as_handle", default="",
              help="The username to collect (needed for channel:ID and name:TITLE candidates).")
@click.option("--actor", "actor_name", default=None, help="Actor (person or organisation).")
@click.option("--group", default=None, help=f"Actor group, e.g. {', '.join(GROUPS[:4])}.")
@click.option("--role", type=click.Choice(["actor", "observer"]), default="observer",
              show_default=True, help="actor: posts count as adoption; observer: context only.")
@click.option("--note", default="", help="Why (kept with the decision).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def accept_cmd(app: App, handle: str, platform: str | None, as_handle: str,
               actor_name: str | None, group: str | None, role: str, note: str,
               as_json: bool) -> None:
    """Turn a cited candidate into a watched source, keeping how it was found."""
    with app.db.connection() as conn:
        source_id = discovery_lib.accept(
            conn, _ref(handle, platform),
            discovery_lib.Acceptance(handle=as_handle, role=role, actor=actor_name, group=group),
            analyst="cli", note=note)
    if as_json:
        print_json({"id": source_id})
    else:
        click.echo(f"accepted as source {source_id}")


@sources_group.command("reject")
@click.argument("handle")
@click.option("--platform", type=click.Choice(["telegram", "twitter"]), default=None,
              help="When the handle is cited on both platforms.")
@click.option("--note", default="", help="Why (kept with the decision).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def reject_cmd(app: App, handle: str, platform: str | None, note: str, as_json: bool) -> None:
    """Reject a candidate: it is remembered and never proposed again."""
    with app.db.connection() as conn:
        decided = discovery_lib.reject(conn, _ref(handle, platform), analyst="cli", note=note)
    if as_json:
        print_json(decided)
    else:
        click.echo(f"rejected {decided['cited_platform']}/{decided['label']}")


COMMANDS = [sources_group]
