"""`chorus daemon`: scheduled collection, tagging, convergence and the daily digest."""

from __future__ import annotations

import logging
import sys

import click

from monitor.app import App, pass_app, resolve_database_url
from monitor.daemon.main import run_daemon
from storage.database import Database


@click.command("daemon")
@pass_app
def daemon(app: App) -> None:
    """Run the scheduler; several may run against one database, one leads.

    Stops cleanly on SIGTERM or SIGINT (exit 0). The database may be down at start or go
    away later: the daemon waits and catches up.
    """
    root = logging.getLogger()
    if root.level > logging.INFO:
        root.setLevel(logging.INFO)  # a daemon reports what it does
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not every run, only trouble
    # No connection check here: an unreachable server is waited for, not a reason to exit.
    db = Database(resolve_database_url(app.config), max_size=8)  # alerts run: 4
    try:
        status = run_daemon(app.config, db)
    finally:
        db.close()
    sys.exit(status)


COMMANDS = [daemon]
