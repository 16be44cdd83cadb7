"""Connections: one place that turns a URL into connections, with clear failures."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from typing import TypeAlias

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

# Every connection storage hands out makes dict rows; a query that returns rows to callers
# names their shape (storage.rows), so what crosses the boundary is typed.
Conn: TypeAlias = psycopg.Connection[DictRow]

_PASSWORD_IN_URL = re.compile(r"(?P<head>://[^:/@]*:)(?P<pw>[^@]*)(?P<tail>@)")
_PASSWORD_KV = re.compile(r"(password\s*=\s*)(\S+)", re.IGNORECASE)


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, safe for messages and logs."""
    masked = _PASSWORD_IN_URL.sub(r"\g<head>***\g<tail>", url)
    return _PASSWORD_KV.sub(r"\1***", masked)


class DatabaseUnavailable(Exception):
    """The server cannot be reached; the message names the (masked) URL and what to check."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = mask_url(url)
        # psycopg's message may echo the DSN; mask it too.
        self.reason = mask_url(reason.strip().splitlines()[0] if reason.strip() else reason)
        super().__init__(
            f"cannot connect to PostgreSQL at {self.url}: {self.reason}. "
            "Check that the server is running and accepts connections, that the URL "
            "(CHORUS_DATABASE_URL) names the right host, port, database and user, "
            "or unset CHORUS_DATABASE_URL to use the embedded server."
        )


class DatabaseUrlError(Exception):
    """The database URL cannot be parsed; the message never shows its password."""


# What the server (or the driver) refused on a live connection: a timeout, a deadlock, a
# constraint, a missing privilege. Exposed here so that callers outside storage can name it
# without importing psycopg; describe_database_error says it in one line.
DatabaseError = psycopg.Error
# A statement that lost a race with another transaction (deadlock, serialization failure):
# nothing is wrong with it, and running it again normally succeeds.
RETRYABLE_ERRORS: tuple[type[psycopg.Error], ...] = (
    psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)


def describe_database_error(exc: psycopg.Error) -> str:
    """One line for a user: what PostgreSQL said and its SQLSTATE, never the query or a DSN."""
    diag = exc.diag
    message = diag.message_primary or (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    state = f" (SQLSTATE {exc.sqlstate})" if exc.sqlstate else ""
    return f"the database refused the operation: {mask_url(message)}{state}"


_SCHEMES = ("postgresql://", "postgres://")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
# Connection-level failures: the session is gone or was never had. Every other
# OperationalError (query cancelled or timed out, deadlock, serialization failure, lock
# not available, disk full) happened on a live connection and is the query's own failure.
_LOST_SESSION_STATES = frozenset({"57P01", "57P02", "57P03", "57P05", "53300"})


def check_url(url: str) -> None:
    """Raise DatabaseUrlError unless libpq can parse the URL (or key=value settings)."""
    try:
        conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise DatabaseUrlError(_url_problem(url, str(exc))) from None


def _url_problem(url: str, reason: str) -> str:
    where = "the database URL (CHORUS_DATABASE_URL)"
    if url.startswith(_SCHEMES):
        # libpq may quote the URL or one of its tokens (a badly escaped password, say).
        detail = reason.strip().splitlines()[0] if reason.strip() else "cannot be parsed"
        found = _PASSWORD_IN_URL.search(url)
        if found and found["pw"]:
            detail = detail.replace(found["pw"], "***")
        return f"{where} {mask_url(url)} is malformed: {mask_url(detail)}"
    scheme = _SCHEME.match(url)
    if scheme:
        return (f"{where} {mask_url(url)} is not a PostgreSQL URL: its scheme is "
                f"{scheme[1]}, and only postgresql or postgres are understood")
    # Neither form: the parser quotes a token of it, which may be the password.
    return (f"{where} is neither a postgresql:// URL nor key=value connection settings "
            "(not shown: it may hold a password)")


def is_connection_failure(exc: psycopg.OperationalError) -> bool:
    """True when the connection failed or was lost (an outage worth retrying), False for a
    failure of the statement itself on a working connection."""
    state = exc.sqlstate
    return state is None or state.startswith("08") or state in _LOST_SESSION_STATES


class Database:
    """A database chosen by URL; hands out pooled connections."""

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 8) -> None:
        check_url(url)
        self.url = url
        self._min_size = min_size
        self._max_size = max_size
        self._pool: ConnectionPool[Conn] | None = None
        self._pool_lock = threading.Lock()

    def check(self, timeout: float = 5.0) -> None:
        """Raise DatabaseUnavailable unless a connection can be opened now."""
        try:
            with psycopg.connect(self.url, connect_timeout=max(1, int(timeout))) as conn:
                conn.execute("SELECT 1")
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(self.url, str(exc)) from None

    def connect(self, *, autocommit: bool = False) -> Conn:
        """A new dedicated connection (for locks, COPY, long jobs)."""
        try:
            return psycopg.connect(
                self.url, autocommit=autocommit, row_factory=dict_row, connect_timeout=10
            )
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(self.url, str(exc)) from None

    @property
    def pool(self) -> ConnectionPool[Conn]:
        # Locked: two threads asking first at once would otherwise each open a pool, and the
        # one overwritten would never be closed.
        with self._pool_lock:
            return self._open_pool()

    def _open_pool(self) -> ConnectionPool[Conn]:
        if self._pool is None:
            self._pool = ConnectionPool(
                self.url,
                min_size=self._min_size,
                max_size=self._max_size,
                kwargs={"row_factory": dict_row},
                # A connection is checked as it is handed out: after a server restart the
                # idle ones are dead, and the first runs must get fresh ones, not fail.
                check=ConnectionPool.check_connection,
                open=True,
                name="chorus",
            )
        return self._pool

    @contextlib.contextmanager
    def connection(self) -> Iterator[Conn]:
        """A pooled connection; the block is one transaction, committed on success.

        A failed or lost connection raises DatabaseUnavailable; a statement's own failure
        (QueryCanceled, DeadlockDetected, SerializationFailure, ...) propagates as itself."""
        try:
            with self.pool.connection() as conn:
                yield conn
        except psycopg.OperationalError as exc:
            if not is_connection_failure(exc):
                raise
            raise DatabaseUnavailable(self.url, str(exc)) from None

    @contextlib.contextmanager
    def spare_connections(
        self, count: int, *, wait: float = 0.05
    ) -> Iterator[list[Conn]]:
        """Up to `count` more pooled connections: those free within `wait` seconds.

        For optional parallel work next to a connection already held: never waiting long
        means requests that each hold one connection cannot deadlock waiting for more.
        """
        spare: list[Conn] = []
        try:
            for _ in range(count):
                try:
                    spare.append(self.pool.getconn(timeout=wait))
                except PoolTimeout:
                    break
                except psycopg.OperationalError as exc:
                    raise DatabaseUnavailable(self.url, str(exc)) from None
            yield spare
        finally:
            for conn in spare:
                self.pool.putconn(conn)

    def close(self) -> None:
        with self._pool_lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
