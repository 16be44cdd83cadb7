"""`chorus digest [--date D] (--send | --dry-run)`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import click

from monitor.app import App, pass_app
from monitor.digest import build_digest, deliver, write_preview
from monitor.digest.mime import AddressError
from monitor.digest.model import EventSection
from monitor.digest.schedule import default_date
from monitor.digest.send import DeliveryError
from monitor.errors import UserError
from monitor.output import print_json


def parse_date(value: str | None, app: App) -> date:
    if value is None:
        return default_date(app.config, datetime.now(UTC))
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"--date {value!r} is not a date; use YYYY-MM-DD") from None


def _event(section: EventSection) -> dict[str, Any]:
    return {
        "name": section.name, "occurred_at": section.at,
        "converging": [{"narrative": n.key, "adopters": n.adopters, "camps": n.groups,
                        "first_mover": n.first_mover, "first_lag_hours": n.first_lag_hours,
                        "placebo_p": n.significance.placebo_p if n.significance else None}
                       for n in section.converging],
        "lone": [{"narrative": a.narrative, "actor": a.actor} for a in section.lone],
        "prepositioned": [{"actor": f.actor, "narratives": f.keys,
                           "posted_at": f.post.posted_at, "hours_before": f.hours_before,
                           "names_event": f.names_event,
                           "edited_after_event": f.edited_after_event}
                          for f in section.prepositioned],
    }


def _preview(app: App, target: date) -> dict[str, Any]:
    built = build_digest(app.config, app.db, target)
    eml, html = write_preview(app.config, built)
    return {"date": target, "status": "preview", "eml": str(eml), "html": str(html),
            "subject": built.subject,
            "converging": list(dict.fromkeys(n.key for n in built.converging)),
            "events": [_event(e) for e in built.events],
            "without_event": [n.key for n in built.unanchored],
            "blind_sources": len(built.blind)}


def _send(app: App, target: date) -> dict[str, Any]:
    delivered = deliver(app.config, app.db, target,
                        lambda: build_digest(app.config, app.db, target))
    return {"date": target, "status": delivered.status, "message_id": delivered.message_id,
            "path": delivered.path, "attempts": delivered.attempts,
            "refused": delivered.refused}


@click.command("digest")
@click.option("--date", "day", help="The day to report (YYYY-MM-DD); default: yesterday.")
@click.option("--send", is_flag=True, help="Deliver it, exactly once per date (SMTP or outbox).")
@click.option("--dry-run", is_flag=True, help="Write it to the outbox as a preview; send nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def digest(app: App, day: str | None, send: bool, dry_run: bool, as_json: bool) -> None:
    """Build the daily alert email for a day and send it or preview it."""
    if send == dry_run:
        raise UserError("choose one of --send or --dry-run")
    target = parse_date(day, app)
    try:
        result = _preview(app, target) if dry_run else _send(app, target)
    except (DeliveryError, AddressError) as exc:
        raise UserError(str(exc)) from None
    if as_json:
        print_json(result)
        return
    click.echo(f"digest {target.isoformat()}: {result['status']}")
    for key in ("eml", "html", "path", "message_id"):
        if result.get(key):
            click.echo(f"  {key}: {result[key]}")
    if result["status"] == "busy":
        click.echo("  another process is delivering it right now")


COMMANDS = [digest]
