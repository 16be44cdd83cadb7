"""Daemon coordination in SQL: session advisory locks on a dedicated connection, and job_runs.

Advisory locks are scoped to one database, held by one server session, and released by the
server when that session ends, including when the process holding it is killed. That makes
them the leader-election primitive: whoever holds LEADER_LOCK_KEY runs the jobs. A leader's
session also carries a lease (idle_session_timeout): a leader that stops proving it is alive
(frozen, hung) has its session ended by the server, and the lock goes to a waiting follower.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import TypedDict

import psycopg
from psycopg import errors
from psycopg.rows import dict_row

from storage.database import Conn, Database, DatabaseUnavailable, mask_url
from storage.rows import JsonObject, fetch_all, fetch_one, fetch_row, value

# Stable 64-bit keys ("Chorus" + a number); every daemon takes the same one.
LEADER_LOCK_KEY = 0x43686F7275730002
# Per-date digest locks: this base plus the date's ordinal (kept apart from the key above).
DIGEST_LOCK_BASE = 0x43686F7200000000

# Server-side keepalives: a leader whose host vanishes without closing its socket loses the
# lock after about idle + interval * count seconds, so a follower can take over in a minute.
_KEEPALIVE = {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5",
              "tcp_keepalives_count": "3"}


class _Term(TypedDict):
    started_at: datetime
    closed: int  # runs other daemons left 'running', now abandoned
    ended: int  # earlier terms ended


class LockHolder(TypedDict):
    pid: int
    application_name: str
    client_addr: str | None  # None over a Unix socket
    backend_start: datetime
    leading_since: datetime | None  # NULL when its term was not recorded


class JobSummary(TypedDict):
    """Per job: its latest run, its latest success and its failures in the last 24 hours."""

    job: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    error: str | None
    last_success_at: datetime | None
    failures_24h: int


class _Failures(TypedDict):
    job: str
    n: int


class LockNotPermitted(DatabaseUnavailable):
    """The role may not take advisory locks (or set its session's settings): a missing grant,
    not an outage. A DatabaseUnavailable, so that every caller already treats it as "no lock
    held"; its message is the operator's fix."""

    def __init__(self, url: str, reason: str, role: str) -> None:
        self.role = role
        self.url = mask_url(url)
        self.reason = mask_url(reason.strip().splitlines()[0] if reason.strip() else reason)
        Exception.__init__(
            self,
            f"the database role {role} at {self.url} may not take the daemon's locks: "
            f"{self.reason}. Run Chorus as a member of the application role: an operator "
            f"runs GRANT chorus_app TO {role}; (migration 070 gives chorus_app what the "
            "daemon needs; on a database migrated by a non-superuser, a superuser also runs "
            "the grants of storage/migrations/070_application_role.sql)")


class LockSession:
    """A dedicated autocommit connection that holds session-level advisory locks.

    Every failure of the connection surfaces as DatabaseUnavailable (LockNotPermitted when the
    role lacks the privilege): the caller must then assume it no longer holds any lock taken
    through this session.
    """

    def __init__(self, db: Database, application_name: str, timeout_s: float = 5.0) -> None:
        self._db = db
        self._application_name = application_name[:63]
        self._timeout_s = max(1.0, timeout_s)
        self._conn: Conn | None = None

    @property
    def is_open(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def open(self) -> None:
        if self.is_open:
            return
        try:
            conn = psycopg.connect(
                self._db.url, autocommit=True, row_factory=dict_row,
                connect_timeout=int(self._timeout_s), application_name=self._application_name,
                keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3,
            )
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(self._db.url, str(exc)) from None
        self._conn = conn
        self._settings({**_KEEPALIVE, "statement_timeout": int(self._timeout_s * 1000)})

    @contextlib.contextmanager
    def _session(self, passes: tuple[type[psycopg.Error], ...] = ()) -> Iterator[Conn]:
        """The connection for the block's statements; `passes` are errors the caller handles
        itself (the session lives), any other failure closes it."""
        conn = self._conn
        if conn is None or conn.closed:
            raise DatabaseUnavailable(self._db.url, "the lock connection is closed")
        try:
            yield conn
        except passes:
            raise
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            self.close()
            raise DatabaseUnavailable(self._db.url, str(exc) or type(exc).__name__) from None
        except errors.InsufficientPrivilege as exc:
            role = conn.info.user
            self.close()  # holds nothing the caller may count on
            raise LockNotPermitted(self._db.url, str(exc), role) from None

    def try_lock(self, key: int) -> bool:
        """Take the lock if nobody holds it; never waits."""
        self.open()
        with self._session() as conn:
            return value(conn, bool, "SELECT pg_try_advisory_lock(%(key)s) AS got", {"key": key})

    def wait_lock(self, key: int, wait_s: float) -> bool:
        """Take the lock, waiting up to `wait_s` for its holder to let go: the server grants
        it the moment the holder's session ends (killed, frozen past its lease, released),
        so a follower takes over at once rather than at its next try. False when the wait
        ran out or interrupt() ended it."""
        self.open()
        wait_ms = max(1, int(wait_s * 1000))
        self._settings({"lock_timeout": wait_ms, "statement_timeout": wait_ms + 1000})
        try:
            with self._session(passes=(errors.LockNotAvailable, errors.QueryCanceled)) as conn:
                conn.execute("SELECT 1 AS got FROM pg_advisory_lock(%(key)s)", {"key": key})
        except (errors.LockNotAvailable, errors.QueryCanceled):
            return False
        finally:
            if self.is_open:
                self._settings({"lock_timeout": 0,
                                "statement_timeout": int(self._timeout_s * 1000)})
        return True

    def interrupt(self) -> None:
        """End a wait_lock() running in another thread now (thread-safe)."""
        conn = self._conn
        if conn is not None and not conn.closed:
            with contextlib.suppress(psycopg.OperationalError):
                conn.cancel_safe(timeout=max(1.0, self._timeout_s))

    def set_lease(self, seconds: float) -> bool:
        """Have the server end this session (releasing its locks) once it has been idle for
        `seconds`: the holder must prove it is alive (holds()) more often than that. False
        on a server without idle_session_timeout (before PostgreSQL 14)."""
        try:
            self._settings({"idle_session_timeout": max(1, int(seconds * 1000))},
                           passes=(errors.UndefinedObject,))
        except errors.UndefinedObject:
            return False
        return True

    def begin_term(self, daemon: str) -> tuple[datetime, int]:
        """Record that `daemon` leads from now, on the session that holds the lock: earlier
        terms end, and the runs other daemons left 'running' (they died, or froze and lost
        their lease) are closed as abandoned. Returns (since, runs closed)."""
        with self._session() as conn:
            row = fetch_row(conn, _Term, """WITH ended AS (
                   UPDATE leader_terms SET ended_at = now() WHERE ended_at IS NULL
                   RETURNING id),
               closed AS (
                   UPDATE job_runs SET status = 'abandoned', finished_at = now(),
                          error = 'its daemon (' || daemon || ') stopped leading first'
                   WHERE status = 'running' AND daemon IS NOT NULL AND daemon <> %(daemon)s
                   RETURNING id)
               INSERT INTO leader_terms (daemon, backend_pid)
               VALUES (%(daemon)s, pg_backend_pid())
               RETURNING started_at, (SELECT count(*) FROM closed) AS closed,
                         (SELECT count(*) FROM ended) AS ended""",
                {"daemon": daemon})
        return row["started_at"], row["closed"]

    def end_term(self) -> None:
        """This session's leadership ends (a clean release)."""
        if self.is_open:
            with self._session() as conn:
                conn.execute("""UPDATE leader_terms SET ended_at = now()
                                WHERE backend_pid = pg_backend_pid() AND ended_at IS NULL
                                RETURNING id""")

    def _settings(self, values: dict[str, int | str], *,
                  passes: tuple[type[psycopg.Error], ...] = ()) -> None:
        for name, setting in values.items():
            with self._session(passes) as conn:
                conn.execute("SELECT set_config(%(name)s, %(value)s, false)",
                             {"name": name, "value": str(setting)})

    def holds(self, key: int) -> bool:
        """Whether this session still holds the lock (a round trip: also a heartbeat)."""
        with self._session() as conn:
            return value(
                conn, bool,
                """SELECT EXISTS (
                       SELECT 1 FROM pg_locks
                       WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                         AND objsubid = 1
                         AND ((classid::bigint << 32) | objid::bigint) = %(key)s) AS held""",
                {"key": key})

    def unlock(self, key: int) -> None:
        if self.is_open:
            with self._session() as conn:
                conn.execute("SELECT pg_advisory_unlock(%(key)s)", {"key": key})

    def try_lock_shared(self, key: int) -> bool:
        """Take the lock in shared mode (many sessions may hold it at once); never waits."""
        self.open()
        with self._session() as conn:
            return value(conn, bool, "SELECT pg_try_advisory_lock_shared(%(key)s) AS got",
                         {"key": key})

    def holders(self, key: int) -> int:
        """How many sessions hold the lock (in any mode) in this database: pg_locks shows
        the whole server's, and another database's daemons are not this one's."""
        self.open()
        with self._session() as conn:
            return value(
                conn, int,
                """SELECT count(DISTINCT pid) FROM pg_locks
                   WHERE locktype = 'advisory' AND granted AND objsubid = 1
                     AND database = (SELECT oid FROM pg_database
                                     WHERE datname = current_database())
                     AND ((classid::bigint << 32) | objid::bigint) = %(key)s""",
                {"key": key})

    def held_keys(self, first: int, count: int) -> set[int]:
        """The keys first .. first + count - 1 this session holds (a round trip: also a
        heartbeat)."""
        self.open()
        with self._session() as conn:
            rows = conn.execute(
                """SELECT (classid::bigint << 32) | objid::bigint AS key FROM pg_locks
                   WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                     AND objsubid = 1
                     AND ((classid::bigint << 32) | objid::bigint)
                         BETWEEN %(first)s AND %(first)s + %(count)s - 1""",
                {"first": first, "count": count}).fetchall()
        return {int(r["key"]) for r in rows}

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            conn.close()


def lock_holder(conn: Conn, key: int) -> LockHolder | None:
    """Who holds a session advisory lock: the holder's application name, address, since when
    it connected (backend_start) and, for the leader lock, since when it leads (leading_since;
    NULL when its term was not recorded)."""
    return fetch_one(
        conn, LockHolder,
        """SELECT a.pid, a.application_name, a.client_addr::text AS client_addr,
                  a.backend_start, t.started_at AS leading_since
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
           LEFT JOIN LATERAL (
               SELECT started_at FROM leader_terms t
               WHERE t.backend_pid = a.pid AND t.started_at >= a.backend_start
               ORDER BY t.started_at DESC LIMIT 1) t ON true
           WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND ((l.classid::bigint << 32) | l.objid::bigint) = %(key)s""",
        {"key": key})


def start_run(conn: Conn, job: str, daemon: str | None = None) -> int:
    return value(conn, int,
                 "INSERT INTO job_runs (job, daemon) VALUES (%(job)s, %(daemon)s) RETURNING id",
                 {"job": job, "daemon": daemon})


def finish_run(
    conn: Conn, run_id: int, status: str,
    detail: JsonObject | None = None, error: str | None = None,
    finished_at: datetime | None = None,
) -> None:
    """`finished_at` (default now) is given when the outcome is recorded late."""
    conn.execute(
        """UPDATE job_runs SET finished_at = coalesce(%(at)s, now()), status = %(status)s,
                  detail = %(detail)s::jsonb, error = %(error)s
           WHERE id = %(id)s""",
        {"id": run_id, "status": status, "detail": json.dumps(detail or {}, default=str),
         "error": error, "at": finished_at},
    )


def record_run(
    conn: Conn, job: str, *, daemon: str | None, status: str,
    started_at: datetime, finished_at: datetime, detail: JsonObject | None = None,
    error: str | None = None,
) -> int:
    """A run recorded after the fact: one that failed before its row could be written (the
    database was away), kept by the daemon and written when the database is back."""
    return value(
        conn, int,
        """INSERT INTO job_runs (job, daemon, status, started_at, finished_at, detail, error)
           VALUES (%(job)s, %(daemon)s, %(status)s, %(started)s, %(finished)s,
                   %(detail)s::jsonb, %(error)s)
           RETURNING id""",
        {"job": job, "daemon": daemon, "status": status, "started": started_at,
         "finished": finished_at, "detail": json.dumps(detail or {}, default=str),
         "error": error})


def abandon_stale_runs(conn: Conn, started_before: datetime) -> int:
    """Runs left 'running' by a process that died are closed as 'abandoned'."""
    cur = conn.execute(
        """UPDATE job_runs SET status = 'abandoned', finished_at = now()
           WHERE status = 'running' AND started_at < %(before)s""",
        {"before": started_before},
    )
    return cur.rowcount


def prune_runs(conn: Conn, finished_before: datetime) -> int:
    cur = conn.execute(
        "DELETE FROM job_runs WHERE finished_at < %(before)s", {"before": finished_before}
    )
    return cur.rowcount


def prune_terms(conn: Conn, ended_before: datetime) -> int:
    """Forget leaderships that ended long ago (one row per failover or restart)."""
    cur = conn.execute(
        "DELETE FROM leader_terms WHERE ended_at < %(before)s", {"before": ended_before}
    )
    return cur.rowcount


def last_runs(conn: Conn) -> list[JobSummary]:
    """Per job: the latest run, the latest success and the failures in the last 24 hours."""
    return fetch_all(
        conn, JobSummary,
        """SELECT j.job, last.started_at, last.finished_at, last.status, last.error,
                  (SELECT max(finished_at) FROM job_runs s
                   WHERE s.job = j.job AND s.status = 'ok') AS last_success_at,
                  (SELECT count(*) FROM job_runs f WHERE f.job = j.job AND f.status = 'failed'
                     AND f.started_at > now() - interval '24 hours') AS failures_24h
           FROM (SELECT DISTINCT job FROM job_runs) j
           CROSS JOIN LATERAL (SELECT * FROM job_runs r WHERE r.job = j.job
                               ORDER BY r.started_at DESC, r.id DESC LIMIT 1) last
           ORDER BY j.job""")


def failure_counts(conn: Conn) -> dict[str, int]:
    """Failed runs per job, over the history kept."""
    rows = fetch_all(conn, _Failures,
                     "SELECT job, count(*) AS n FROM job_runs WHERE status = 'failed' GROUP BY job")
    return {r["job"]: r["n"] for r in rows}
