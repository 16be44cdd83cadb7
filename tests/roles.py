"""Login roles for tests that run Chorus as an operator would: unique names, dropped after."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import psycopg
from psycopg import conninfo, sql


@contextlib.contextmanager
def temporary_role(admin_url: str, prefix: str, member_of: str | None = None) -> Iterator[str]:
    """A new LOGIN role (a member of `member_of`, if given); dropped when the block ends."""
    role = f"chorus_t_{prefix}_{uuid.uuid4().hex[:8]}"
    create = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role))
    if member_of:
        create += sql.SQL(" IN ROLE {}").format(sql.Identifier(member_of))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(create)
    try:
        yield role
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def as_role(url: str, role: str) -> str:
    """The URL with another user name (and no password)."""
    params = conninfo.conninfo_to_dict(url)
    params.pop("password", None)
    return conninfo.make_conninfo("", **{**params, "user": role})
