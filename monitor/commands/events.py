"""`chorus events add | list`."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from classifiers.normalise import detect_language
from monitor.app import App, pass_app
from monitor.errors import UserError
from monitor.output import print_json, print_table
from storage import catalog
from storage.event_keywords import KeywordError, keywords_of, store_keywords

KEYWORD_LANGUAGES = ("en", "ar", "fa")


def parse_time(value: str) -> datetime:
    """ISO 8601; a time without an offset is refused rather than guessed."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"cannot read time {value!r}: use ISO 8601, e.g. 2021-11-06T23:30Z") from None
    if parsed.tzinfo is None:
        raise UserError(f"time {value!r} has no UTC offset; add Z or +03:00")
    return parsed.astimezone(UTC)


@click.group("events")
def events_group() -> None:
    """Dated anchors for convergence analysis."""


def parse_keywords(values: tuple[str, ...]) -> dict[str, list[str]]:
    """`LANG:TEXT` (en, ar or fa) or plain TEXT, filed under its detected language."""
    found: dict[str, list[str]] = {}
    for value in values:
        lang, sep, text = value.partition(":")
        if not (sep and lang.strip().lower() in KEYWORD_LANGUAGES):
            lang, text = detect_language(value), value
        if not text.strip():
            raise UserError(f"--keywords {value!r}: the keyword is empty")
        found.setdefault(lang.strip().lower(), []).append(text.strip())
    return found


@events_group.command("add")
@click.argument("name")
@click.option("--at", "at", required=True, help="When, ISO 8601 with offset.")
@click.option("--description", default="", help="What happened.")
@click.option("--source", default="", help="Where this is known from.")
@click.option("--keywords", "keywords", multiple=True, metavar="[LANG:]TEXT",
              help="A keyword or alias posts use for the event (repeatable), e.g. "
                   "'en:drone' or 'ar:طائرة مسيرة'; without en:/ar:/fa: the language is "
                   "detected. Posts that name one answer this event when events overlap.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def add_cmd(app: App, name: str, at: str, description: str, source: str,
            keywords: tuple[str, ...], as_json: bool) -> None:
    """Add an event; prints its new id."""
    if not name.strip():
        raise UserError("the event needs a name")
    spec = catalog.EventSpec(name=name.strip(), at=parse_time(at), description=description,
                             source=source)
    by_language = parse_keywords(keywords)
    with app.db.connection() as conn, conn.transaction():
        event_id = catalog.add_event(conn, spec)
        try:
            store_keywords(conn, event_id, by_language)
        except KeywordError as exc:
            raise UserError(f"--keywords: {exc}") from None
    if as_json:
        print_json({"id": event_id})
    else:
        click.echo(event_id)


@events_group.command("list")
@click.option("--status", type=click.Choice(["confirmed", "candidate", "dismissed"]))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def list_cmd(app: App, status: str | None, as_json: bool) -> None:
    """List events in time order."""
    with app.db.connection() as conn:
        rows = catalog.list_events(conn, status)
        keywords = keywords_of(conn, [int(r["id"]) for r in rows])
    if as_json:
        print_json([{**r, "keywords": keywords.get(int(r["id"]), {})} for r in rows])
    else:
        print_table(app.console, rows, ["id", "occurred_at", "name", "status", "description"])


COMMANDS = [events_group]
