"""`chorus import jsonl PATH` (the other importers add themselves to `chorus import`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from collectors.jsonl_import import read_jsonl
from monitor.app import App, pass_app
from monitor.errors import UserError
from monitor.importing import ImportSummary, import_stream
from monitor.output import print_json
from storage import catalog
from storage.database import Database
from storage.migrate import status


def report_summary(summary: ImportSummary, as_json: bool) -> None:
    """Print the summary; exit non-zero when any record was rejected."""
    if as_json:
        print_json(summary.as_dict())
    else:
        for rejected in summary.rejected[:50]:
            click.echo(f"rejected {rejected.location}: {rejected.reason}", err=True)
        if summary.rejected_count > 50:
            click.echo(f"... and {summary.rejected_count - 50} more rejected", err=True)
        c = summary.counts
        click.echo(f"read {summary.read}, inserted {c.inserted}, updated {c.updated}, "
                   f"unchanged {c.unchanged}, rejected {summary.rejected_count}")
        _report_images(summary.images)
    if summary.rejected_count:
        sys.exit(1)


def _report_images(images: dict[str, object] | None) -> None:
    """Images refused are reported; they never fail an import whose posts were stored."""
    if images is None:
        return
    refusals = images.get("refusals")
    for refusal in refusals if isinstance(refusals, list) else []:
        click.echo(f"image refused {refusal['where']}: {refusal['reason']}", err=True)
    click.echo(f"images: kept {images['kept']} new, on {images['linked']} posts, "
               f"refused {images['refused']}")


def require_migrated(db: Database) -> None:
    """Refuse to import into a database whose schema is missing or behind."""
    pending = sum(not m["applied"] for m in status(db))
    if pending:
        raise UserError(f"the database is not migrated ({pending} pending migration"
                        f"{'s' if pending > 1 else ''}): run `chorus db migrate` first")


def progress_bar(enabled: bool, description: str) -> Progress:
    """A progress display on a terminal, none when output goes to a file or pipe."""
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}"),
                    TimeElapsedColumn(), disable=not enabled, transient=True)


@click.command("jsonl")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def jsonl_cmd(app: App, path: Path, as_json: bool) -> None:
    """Import generic JSONL, one post per line (fields: the README's "Import formats").
    A line whose `narratives` name a key the database does not know is rejected whole, with
    its line number."""
    require_migrated(app.db)
    with app.db.connection() as conn:
        known = frozenset(n["key"] for n in catalog.list_narratives(conn))
    with progress_bar(sys.stderr.isatty(), "importing") as progress, path.open("rb") as stream:
        task = progress.add_task(f"importing {path.name}", total=None)
        summary = import_stream(
            app.db, read_jsonl(stream, known), kind="jsonl", path=path,
            on_progress=lambda n: progress.update(task, completed=n))
    report_summary(summary, as_json)


IMPORT_COMMANDS = [jsonl_cmd]
