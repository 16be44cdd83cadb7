"""A benchmark's own database: dropped when the run ends, unless kept or measured in place."""

from __future__ import annotations

import argparse
import uuid

import psycopg
from psycopg import conninfo, sql


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


def add_scale_arguments(parser: argparse.ArgumentParser, *, posts: int = 5_000_000) -> None:
    """The generated database's size and the server to build it on, as every benchmark that
    loads bench/convergence.py's data takes them."""
    parser.add_argument("--posts", type=int, default=posts)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")


def open_database(url: str, existing: str | None, prefix: str) -> tuple[str, str]:
    """(name, URL) of the database to measure: `existing` as it is, else a new empty one
    named `prefix` and a random suffix."""
    name = existing or f"{prefix}_{uuid.uuid4().hex[:8]}"
    if not existing:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, conninfo.make_conninfo(url, dbname=name)
