"""A benchmark's own database: dropped when the run ends, unless kept or measured in place."""

from __future__ import annotations

import psycopg
from psycopg import sql


def drop(url: str, name: str) -> None:
    """Drop the database `name` on the server at `url` (its sessions ended first)."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def finish(url: str, name: str, *, keep: bool, reused: bool, flag: str) -> None:
    """Drop a database this run created; a kept one is named with how to measure it again,
    and one it was given (`reused`) is left as it is."""
    if reused:
        return
    if keep:
        print(f"kept database {name} (measure again with {flag} {name})")
        return
    drop(url, name)
