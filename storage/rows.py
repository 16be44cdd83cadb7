"""Typed rows: each query names the shape of its rows (a TypedDict or a dataclass) or of
its one value.

TypedDict rows stay plain dicts at run time (templates, JSON and callers read them as
before), but mypy knows their fields; the result's column names are checked against the
shape once per result, so a query that drifts from its shape fails at once, naming the
columns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, TypeAlias, TypeVar, cast, is_typeddict

import psycopg
from psycopg.abc import Params
from psycopg.abc import QueryNoTemplate as Query
from psycopg.rows import RowFactory, RowMaker, no_result

from storage.database import Conn

Shape = TypeVar("Shape")
T = TypeVar("T")

# A jsonb value as psycopg loads it: what is inside is the column's to document.
JsonObject: TypeAlias = dict[str, object]


class MissingRow(RuntimeError):
    """A statement that must return a row returned none (a bug, not bad input)."""


class RowShapeError(RuntimeError):
    """A result's columns or value differ from the shape its query declares (a bug)."""


def one(row: T | None) -> T:
    """The row, or MissingRow: for INSERT ... RETURNING and aggregates, which always return one."""
    if row is None:
        raise MissingRow("expected one row, got none")
    return row


def _columns(shape: type[Any]) -> tuple[frozenset[str], frozenset[str]]:
    """(columns the shape requires, columns it accepts)."""
    if is_typeddict(shape):
        required = frozenset(shape.__required_keys__)
        return required, required | frozenset(shape.__optional_keys__)
    if dataclasses.is_dataclass(shape):
        taken = [f for f in dataclasses.fields(shape) if f.init]
        return (frozenset(f.name for f in taken if f.default is dataclasses.MISSING
                          and f.default_factory is dataclasses.MISSING),
                frozenset(f.name for f in taken))
    raise TypeError(f"{shape.__name__} is neither a TypedDict nor a dataclass")


def shaped(shape: type[Shape]) -> RowFactory[Shape]:
    """A row factory making `shape`s: a TypedDict (rows stay dicts) or a dataclass whose
    keys or fields are the result's columns."""
    required, allowed = _columns(shape)
    as_dict = is_typeddict(shape)

    def factory(cursor: psycopg.Cursor[Shape]) -> RowMaker[Shape]:
        if cursor.description is None:
            return no_result
        names = [column.name for column in cursor.description]
        missing, extra = required - set(names), set(names) - allowed
        if missing or extra:
            raise RowShapeError(
                f"{shape.__name__}: the query's columns differ from the declared shape "
                f"(missing: {', '.join(sorted(missing)) or '-'}; "
                f"not declared: {', '.join(sorted(extra)) or '-'})")

        def make(values: Sequence[Any]) -> Shape:
            # As many values as names: both come from the same result description.
            row = dict(zip(names, values))  # noqa: B905 - strict=True costs 30 % here
            return cast(Shape, row) if as_dict else shape(**row)

        return make

    return factory


def fetch_all(conn: Conn, shape: type[Shape], query: Query,
              params: Params | None = None, *, prepare: bool | None = None) -> list[Shape]:
    """Every row. `prepare=False`: never a prepared statement, so the plan is always made
    for these parameters (see storage/console/search.py for a query that needs it)."""
    with conn.cursor(row_factory=shaped(shape)) as cur:
        return cur.execute(query, params, prepare=prepare).fetchall()


def fetch_one(conn: Conn, shape: type[Shape], query: Query,
              params: Params | None = None) -> Shape | None:
    """The first row, or None when there is none."""
    with conn.cursor(row_factory=shaped(shape)) as cur:
        return cur.execute(query, params).fetchone()


def fetch_row(conn: Conn, shape: type[Shape], query: Query,
              params: Params | None = None) -> Shape:
    """The row a statement always returns (RETURNING, aggregates), or MissingRow."""
    return one(fetch_one(conn, shape, query, params))


def value_or_none(conn: Conn, kind: type[T], query: Query,
                  params: Params | None = None, *, prepare: bool | None = None) -> T | None:
    """The first column of the first row; None when there is no row or it is NULL."""
    row = conn.execute(query, params, prepare=prepare).fetchone()
    found = next(iter(row.values())) if row else None
    if found is None or isinstance(found, kind):
        return found
    raise RowShapeError(f"expected {kind.__name__}, the query returned {type(found).__name__}")


def value(conn: Conn, kind: type[T], query: Query, params: Params | None = None, *,
          prepare: bool | None = None) -> T:
    """The first column of the row a statement always returns; never NULL."""
    found = value_or_none(conn, kind, query, params, prepare=prepare)
    if found is None:
        raise MissingRow(f"expected {kind.__name__}, got no row or NULL")
    return found
