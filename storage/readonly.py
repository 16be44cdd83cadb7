"""The SQL tab's runner: one class runs every analyst query, with a time limit and caps on
rows, bytes per cell and bytes per result.

The safety comes from the connection, not from parsing SQL (DESIGN §8, after Datasette):

- a dedicated login role (chorus_reader, migration 051) granted SELECT on the curated views
  of schema `reader` and nothing else;
- every query alone in a READ ONLY, REPEATABLE READ transaction whose snapshot is taken
  before the query runs, so `SET TRANSACTION READ WRITE` cannot flip it;
- `SET LOCAL statement_timeout`, plus a client-side watchdog that cancels the query if the
  server-side limit was somehow lifted;
- the extended query protocol (psycopg `stream`), which refuses several statements in one
  request;
- a fresh connection per query, closed afterwards, so nothing a query leaves behind
  (session settings, advisory locks, LISTEN, prepared statements) outlives it;
- rows are fetched one at a time (single-row mode), each cell cut at a byte cap, and
  fetching stops once the kept cells pass a byte budget: `repeat('x', 10^6)` a thousand
  times costs the console one row at a time, not a gigabyte.

The only text processing is binding `:name` parameters (outside literals and comments).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import psycopg
from psycopg import conninfo, errors, sql
from psycopg.rows import TupleRow

from storage.database import mask_url

MAX_QUERY_CHARS = 20_000
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")
# Grace the server gets to enforce its own statement_timeout before the watchdog cancels.
_WATCHDOG_GRACE_S = 1.0


class ReadOnlyQueryError(Exception):
    """The query was refused or failed; the message is safe to show to the analyst."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


class ReaderUnavailable(Exception):
    """The reader role cannot connect; the message says what the operator should do."""


@dataclass(frozen=True)
class BoundQuery:
    """A query rewritten for psycopg: `:name` became `%(name)s`, `%` became `%%`."""

    text: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[object, ...]]  # analyst SQL: any column of any type
    truncated: bool
    elapsed_ms: float
    status: str = ""
    parameters: dict[str, str] = field(default_factory=dict)
    clipped_cells: int = 0  # cells cut at the per-cell byte cap
    byte_capped: bool = False  # fetching stopped at the result's byte budget

    @property
    def complete(self) -> bool:
        return not (self.truncated or self.byte_capped)


def _skip_quoted(text: str, i: int, quote: str) -> int:
    """Index just past the literal or identifier that starts at i (doubled quotes escape)."""
    backslash_escapes = quote == "'" and i > 0 and text[i - 1] in "eE"
    j = i + 1
    while j < len(text):
        if backslash_escapes and text[j] == "\\":
            j += 2
            continue
        if text[j] == quote:
            if j + 1 < len(text) and text[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return len(text)


def _skip_block_comment(text: str, i: int) -> int:
    depth, j = 0, i
    while j < len(text):
        if text.startswith("/*", j):
            depth, j = depth + 1, j + 2
        elif text.startswith("*/", j):
            depth, j = depth - 1, j + 2
            if depth == 0:
                return j
        else:
            j += 1
    return len(text)


def bind_parameters(query: str) -> BoundQuery:
    """Turn `:name` placeholders into psycopg's; literals, comments and `::` casts are kept."""
    out: list[str] = []
    names: list[str] = []
    i = 0
    while i < len(query):
        ch = query[i]
        if ch in "'\"":
            end = _skip_quoted(query, i, ch)
        elif query.startswith("--", i):
            newline = query.find("\n", i)
            end = len(query) if newline < 0 else newline
        elif query.startswith("/*", i):
            end = _skip_block_comment(query, i)
        elif ch == "$" and (tag := _DOLLAR_TAG.match(query, i)) and not _in_word(query, i):
            close = query.find(tag.group(0), tag.end())
            end = len(query) if close < 0 else close + len(tag.group(0))
        elif query.startswith("::", i):
            end = i + 2
        elif ch == ":" and (name := _PARAM_NAME.match(query, i + 1)):
            out.append(f"%({name.group(0)})s")
            if name.group(0) not in names:
                names.append(name.group(0))
            i = name.end()
            continue
        else:
            end = i + 1
        out.append(query[i:end].replace("%", "%%"))
        i = end
    return BoundQuery("".join(out), tuple(names))


def _in_word(text: str, i: int) -> bool:
    return i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")


def parameter_names(query: str) -> tuple[str, ...]:
    return bind_parameters(query).names


def reader_url(database_url: str, role: str, password: str = "") -> str:
    """The database URL with the reader's user name (and password, if any) in place."""
    params = conninfo.conninfo_to_dict(database_url)
    params.pop("password", None)
    params["user"] = role
    if password:
        params["password"] = password
    return conninfo.make_conninfo("", **params)


class ReadOnlyRunner:
    """Runs analyst SQL as the reader role: read-only, time-limited, row- and byte-capped."""

    def __init__(self, database_url: str, *, role: str = "chorus_reader", password: str = "",
                 timeout_ms: int = 5000, row_cap: int = 1000, cell_cap_bytes: int = 32_768,
                 result_cap_bytes: int = 8_388_608) -> None:
        if min(timeout_ms, row_cap, cell_cap_bytes, result_cap_bytes) <= 0:
            raise ValueError("timeout_ms, row_cap and the byte caps must be positive")
        self.role = role
        self.timeout_ms = timeout_ms
        self.row_cap = row_cap
        self.cell_cap_bytes = cell_cap_bytes
        self.result_cap_bytes = result_cap_bytes
        self._url = reader_url(database_url, role, password)

    def _connect(self) -> psycopg.Connection[TupleRow]:
        try:
            return psycopg.connect(self._url, autocommit=True, connect_timeout=5,
                                   application_name="chorus-sql-tab")
        except psycopg.OperationalError as exc:
            # The server's text may quote the DSN; keep only what names the cause.
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else "no reason given"
            raise ReaderUnavailable(
                f"the SQL tab cannot connect as role {self.role}: {mask_url(reason)}. "
                f"An operator creates it with `CREATE ROLE {self.role} LOGIN` (migration 051 "
                "does this when it may) and, on a password-auth server, sets its password and "
                "the secret sql_reader_password."
            ) from None

    def run(self, query: str, params: Mapping[str, str] | None = None) -> QueryResult:
        """Run one statement; at most row_cap rows and about result_cap_bytes come back
        (`truncated` and `byte_capped` say if there was more), cells cut at cell_cap_bytes."""
        bound = self._bind(query, params or {})
        values = {name: (params or {})[name] for name in bound.names}
        started = time.perf_counter()
        conn = self._connect()
        watchdog = threading.Timer(self.timeout_ms / 1000 + _WATCHDOG_GRACE_S, _cancel, (conn,))
        watchdog.daemon = True
        try:
            conn.execute("BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ")
            conn.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(
                sql.Literal(f"{self.timeout_ms}ms")))
            conn.execute("SET LOCAL search_path = reader")
            conn.execute("SELECT 1")  # takes the snapshot: the access mode is now fixed
            watchdog.start()
            return self._fetch(conn, bound.text, values, started)
        except errors.QueryCanceled:
            raise ReadOnlyQueryError(
                f"the query ran past the {self.timeout_ms} ms limit and was cancelled", "57014"
            ) from None
        except psycopg.Error as exc:
            raise _refusal(exc) from None
        finally:
            watchdog.cancel()
            conn.close()  # the transaction dies with the connection

    def _fetch(self, conn: psycopg.Connection[TupleRow], text: str,
               values: dict[str, str], started: float) -> QueryResult:
        cur = conn.cursor()
        rows: list[tuple[object, ...]] = []
        truncated = byte_capped = False
        kept_bytes = clipped = 0
        columns: list[str] = []
        # stream() uses the extended protocol: several statements in one request are refused.
        # It fetches row by row; leaving the loop early cancels the rest on the server.
        for row in cur.stream(text, values):
            if not columns and cur.description:
                columns = [d.name for d in cur.description]
            if len(rows) == self.row_cap:
                truncated = True
                break
            if kept_bytes >= self.result_cap_bytes:
                byte_capped = True
                break
            cells = [clip_cell(v, self.cell_cap_bytes) for v in row]
            rows.append(tuple(value for value, _, _ in cells))
            kept_bytes += sum(size for _, size, _ in cells)
            clipped += sum(cut for _, _, cut in cells)
        if not columns and cur.description:
            columns = [d.name for d in cur.description]
        status = cur.statusmessage or ""
        return QueryResult(columns, rows, truncated,
                           round((time.perf_counter() - started) * 1000, 1), status,
                           dict(values), clipped, byte_capped)

    def _bind(self, query: str, params: Mapping[str, str]) -> BoundQuery:
        if not query.strip():
            raise ReadOnlyQueryError("the query is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise ReadOnlyQueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
        if "\x00" in query:
            raise ReadOnlyQueryError("the query contains a NUL character")
        bound = bind_parameters(query)
        missing = [n for n in bound.names if n not in params]
        if missing:
            raise ReadOnlyQueryError("missing value for parameter " +
                                     ", ".join(f":{n}" for n in missing))
        return bound


def clip_cell(value: object, cap: int) -> tuple[object, int, bool]:
    """(the value or its text cut at `cap` UTF-8 bytes with a note, bytes kept, whether cut).

    Sizes are of the text the page and the CSV show (str of the value)."""
    if value is None:
        return None, 0, False
    text = value if isinstance(value, str) else str(value)
    if len(text) <= cap // 4:  # at most 4 bytes a character: surely under the cap
        return value, len(text.encode()), False
    encoded = text.encode()
    if len(encoded) <= cap:
        return value, len(encoded), False
    head = encoded[:cap].decode(errors="ignore")  # never half a character
    return f"{head}… [cut at {cap:,} of {len(encoded):,} bytes]", cap, True


def _cancel(conn: psycopg.Connection[TupleRow]) -> None:
    try:
        conn.cancel_safe(timeout=2.0)
    except (psycopg.Error, OSError):
        pass  # the connection is closed right after; nothing left to cancel


_REFUSALS: dict[type[psycopg.Error], str] = {
    errors.ReadOnlySqlTransaction: "refused: the SQL tab is read-only",
    errors.InsufficientPrivilege: "refused: the reader role may only read the curated views",
    errors.ActiveSqlTransaction: "refused: transaction control is not allowed",
    errors.SyntaxError: "syntax error",
}


def _refusal(exc: psycopg.Error) -> ReadOnlyQueryError:
    sqlstate = exc.sqlstate
    if sqlstate is None and isinstance(exc, psycopg.ProgrammingError):
        # Raised by stream() for SET, COMMIT and other statements that return no rows.
        return ReadOnlyQueryError("refused: the SQL tab runs queries that return rows")
    primary = exc.diag.message_primary or (str(exc).splitlines() or [type(exc).__name__])[0]
    detail = mask_url(primary)
    for kind, lead in _REFUSALS.items():
        if isinstance(exc, kind):
            return ReadOnlyQueryError(f"{lead}: {detail}", sqlstate)
    return ReadOnlyQueryError(detail, sqlstate)
