"""`chorus worker tag`: a tagging worker on the shared queue (issue 18). Any number run, on
any hosts with the model, against one database; each claims its own batches
(storage.tag_queue), so they share the work and never tag a post twice."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from monitor.app import App, pass_app
from monitor.classifying import configured_tagger, tag_pending_posts
from monitor.commands.classify import MODEL_HELP
from storage import tag_queue


@click.group("worker")
def worker() -> None:
    """Workers that share the daemon's work across processes and hosts."""


@worker.command("tag")
@click.option("--model", "model", default=None, metavar="MODEL", help=MODEL_HELP)
@click.option("--once", is_flag=True, help="Tag what is queued now, then exit.")
@click.option("--poll", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds to wait when the queue is empty before looking again.")
@pass_app
def tag_worker(app: App, model: str | None, once: bool, poll: float) -> None:
    """Tag queued posts (new, edited, or with image text read), batch by batch, until
    stopped (SIGTERM or Ctrl-C end it after the batch in hand)."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, request_stop)
    tagger = configured_tagger(app.config, app.db, model)
    click.echo(f"worker: model {tagger.model_version}, batches of "
               f"{app.config.classify_batch_size}")
    total = 0
    while not stop.is_set():
        counts = tag_pending_posts(app.config, app.db, tagger=tagger, stop=stop)
        total += counts.posts
        if counts.posts:
            with app.db.connection() as conn:
                left = tag_queue.queued(conn)
            click.echo(f"tagged {counts.posts} posts ({counts.tagged_posts} with narratives, "
                       f"{counts.posts / max(counts.seconds, 1e-9):.0f} posts/s); "
                       f"{left} queued")
        if once:
            break
        stop.wait(poll)
    click.echo(f"worker stopped: {total} posts tagged")


COMMANDS = [worker]
