"""Telegram channels met in forward headers (migration 150): their id and access hash, so
that a discovered channel is collected without a username lookup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from collectors.outcomes import SeenChannel
from storage.database import Conn
from storage.rows import fetch_one


def remember(conn: Conn, channels: Sequence[SeenChannel], seen_at: datetime) -> None:
    """Record (or refresh) channels seen; the newest access hash and username win."""
    latest = {c.channel_id: c for c in channels}
    if not latest:
        return
    rows = list(latest.values())
    conn.execute(
        """INSERT INTO telegram_channels AS t (channel_id, access_hash, username, title,
                                               first_seen, last_seen)
           SELECT u.channel_id, u.access_hash, u.username, left(u.title, 255),
                  %(seen_at)s, %(seen_at)s
           FROM unnest(%(ids)s::bigint[], %(hashes)s::bigint[], %(usernames)s::text[],
                       %(titles)s::text[]) AS u(channel_id, access_hash, username, title)
           ON CONFLICT (channel_id) DO UPDATE SET
               access_hash = EXCLUDED.access_hash,
               username = coalesce(EXCLUDED.username, t.username),
               title = EXCLUDED.title,
               last_seen = greatest(t.last_seen, EXCLUDED.last_seen)""",
        {"ids": [c.channel_id for c in rows], "hashes": [c.access_hash for c in rows],
         "usernames": [c.username for c in rows], "titles": [c.title for c in rows],
         "seen_at": seen_at})


def by_id(conn: Conn, channel_id: int) -> SeenChannel | None:
    return fetch_one(
        conn, SeenChannel,
        """SELECT channel_id, access_hash, username, title FROM telegram_channels
           WHERE channel_id = %(id)s""", {"id": channel_id})


def by_username(conn: Conn, username: str) -> SeenChannel | None:
    return fetch_one(
        conn, SeenChannel,
        """SELECT channel_id, access_hash, username, title FROM telegram_channels
           WHERE lower(username) = lower(%(username)s)
           ORDER BY last_seen DESC LIMIT 1""", {"username": username})
