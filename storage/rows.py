"""Row helpers shared by the storage modules."""

from __future__ import annotations

from typing import Any


class MissingRow(RuntimeError):
    """A statement that must return a row returned none (a bug, not bad input)."""


def one(row: dict[str, Any] | None) -> dict[str, Any]:
    """The row, or MissingRow: for INSERT ... RETURNING and aggregates, which always return one."""
    if row is None:
        raise MissingRow("expected one row, got none")
    return row
