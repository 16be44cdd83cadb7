"""`chorus import telegram-export PATH` and `chorus import twarc PATH`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from collectors.storable import handle_problem
from collectors.telegram_export import read_telegram_export
from collectors.twarc_import import read_twarc
from monitor.app import App, pass_app
from monitor.commands.imports import progress_bar, report_summary, require_migrated
from monitor.errors import UserError
from monitor.importing import import_stream
from monitor.media.ingest import ExportImage, import_export_images, noting_images
from storage import collection


@click.command("telegram-export")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--handle", default=None, metavar="HANDLE",
              help="Source handle for the chat (default: the watched channel with the "
                   "export's chat id, else channel<id>).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def telegram_export_cmd(app: App, path: Path, handle: str | None, as_json: bool) -> None:
    """Import a Telegram Desktop JSON export (one chat's result.json, a whole account's, or
    the export folder holding result.json). Only channels and groups are imported."""
    if path.is_dir():
        path = path / "result.json"
        if not path.is_file():
            raise UserError(f"{path.parent} holds no result.json (export as JSON, not HTML)")
    handle = handle.strip().lstrip("@") if handle else None
    if handle == "":
        raise UserError("invalid handle: it is empty")
    problem = handle_problem(handle) if handle else None
    if problem:
        raise UserError(f"invalid handle {handle!r}: it contains {problem}")
    require_migrated(app.db)
    with app.db.connection() as conn:
        known = collection.channel_handles(conn)
    images: list[ExportImage] = []
    with progress_bar(sys.stderr.isatty(), "importing") as progress, \
            path.open(encoding="utf-8", newline="") as stream:
        task = progress.add_task(f"importing {path.name}", total=None)
        summary = import_stream(
            app.db, noting_images(read_telegram_export(stream, handles_by_channel_id=known,
                                                       handle=handle),
                                  app.config.media_download, images),
            kind="telegram-export", path=path,
            on_progress=lambda n: progress.update(task, completed=n))
    # The photos/ folder beside result.json: images are kept after their posts are stored.
    summary.images = import_export_images(app.db, app.config, path.parent, images).as_dict()
    report_summary(summary, as_json)


@click.command("twarc")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def twarc_cmd(app: App, path: Path, as_json: bool) -> None:
    """Import twarc2 JSONL (API response pages, or flattened tweets, one per line)."""
    require_migrated(app.db)
    with progress_bar(sys.stderr.isatty(), "importing") as progress, path.open("rb") as stream:
        task = progress.add_task(f"importing {path.name}", total=None)
        summary = import_stream(app.db, read_twarc(stream), kind="twarc", path=path,
                                on_progress=lambda n: progress.update(task, completed=n))
    report_summary(summary, as_json)


IMPORT_COMMANDS = [telegram_export_cmd, twarc_cmd]
