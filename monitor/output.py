"""How commands print: JSON for machines, rich tables for people."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data: Any) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, indent=2)


def print_json(data: Any) -> None:
    click.echo(to_json(data))


def cell(value: Any) -> str:
    """A table cell; markup in data (post text!) is escaped, never interpreted."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return escape(str(value))


def print_table(
    console: Console,
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    title: str | None = None,
) -> None:
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(cell(row.get(c)) for c in columns))
    console.print(table)
