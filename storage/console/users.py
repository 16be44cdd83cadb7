"""Console users and their sessions. Passwords arrive hashed; tokens arrive as sha256 digests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from psycopg import errors

from storage.database import Conn
from storage.rows import fetch_one, value


class ConsoleUserError(Exception):
    """A user could not be created or changed; the message says why."""


@dataclass(frozen=True)
class ConsoleUser:
    id: int
    name: str
    password_hash: str


@dataclass(frozen=True)
class SessionRecord:
    user_id: int
    user_name: str
    csrf_token: str


def add_user(conn: Conn, name: str, password_hash: str) -> int:
    try:
        with conn.transaction():
            return value(
                conn, int,
                """INSERT INTO console_users (name, password_hash)
                   VALUES (%(name)s, %(hash)s) RETURNING id""",
                {"name": name, "hash": password_hash})
    except errors.UniqueViolation:
        raise ConsoleUserError(f"a console user named {name!r} already exists") from None
    except errors.CheckViolation:
        raise ConsoleUserError(
            f"user name {name!r} is not allowed: use up to 64 letters, digits, _ . @ -, "
            "starting with a letter or digit") from None


def set_password(conn: Conn, name: str, password_hash: str) -> bool:
    cur = conn.execute(
        "UPDATE console_users SET password_hash = %(hash)s WHERE name = %(name)s",
        {"name": name, "hash": password_hash})
    return cur.rowcount == 1


def find_user(conn: Conn, name: str) -> ConsoleUser | None:
    return fetch_one(
        conn, ConsoleUser,
        """SELECT id, name, password_hash FROM console_users
           WHERE name = %(name)s AND disabled_at IS NULL""",
        {"name": name})


def count_users(conn: Conn) -> int:
    return value(conn, int, "SELECT count(*) AS n FROM console_users WHERE disabled_at IS NULL")


def open_session(conn: Conn, user_id: int, token_hash: bytes,
                 csrf_token: str, lifetime: timedelta) -> None:
    conn.execute("DELETE FROM console_sessions WHERE expires_at < now()")
    conn.execute(
        """INSERT INTO console_sessions (token_hash, user_id, csrf_token, expires_at)
           VALUES (%(token)s, %(user)s, %(csrf)s, now() + %(lifetime)s)""",
        {"token": token_hash, "user": user_id, "csrf": csrf_token, "lifetime": lifetime},
    )


def find_session(conn: Conn, token_hash: bytes) -> SessionRecord | None:
    """The live session for this token (not expired, user not disabled), touched as seen."""
    return fetch_one(
        conn, SessionRecord,
        """UPDATE console_sessions s SET last_seen_at = now()
           FROM console_users u
           WHERE s.token_hash = %(token)s AND u.id = s.user_id
             AND s.expires_at > now() AND u.disabled_at IS NULL
           RETURNING s.user_id, u.name AS user_name, s.csrf_token""",
        {"token": token_hash})


def close_session(conn: Conn, token_hash: bytes) -> None:
    conn.execute("DELETE FROM console_sessions WHERE token_hash = %(token)s",
                 {"token": token_hash})
