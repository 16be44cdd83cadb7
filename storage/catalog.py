"""Actors, sources, narratives and events: the catalogue the analysis is anchored on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

import psycopg

from storage.database import Conn
from storage.rows import JsonObject, fetch_all, fetch_one, fetch_row, value, value_or_none


@dataclass(frozen=True)
class ActorSpec:
    name: str
    group: str
    description: str = ""
    illustrative: bool = False


@dataclass(frozen=True)
class SourceSpec:
    platform: str
    handle: str
    role: str
    actor: str | None = None
    kind: str = "account"
    query: str | None = None
    cited_in: list[dict[str, Any]] = field(default_factory=list)
    illustrative: bool = False


@dataclass(frozen=True)
class NarrativeSpec:
    key: str
    names: dict[str, str]
    descriptions: dict[str, str]
    examples: dict[str, list[str]]
    cues: dict[str, list[str]]
    threshold: float = 0.5


@dataclass(frozen=True)
class EventSpec:
    name: str
    at: datetime
    description: str = ""
    source: str = ""
    status: str = "confirmed"
    detail: dict[str, Any] = field(default_factory=dict)


class CatalogError(Exception):
    """A catalogue write was refused; the message says why."""


class _Upserted(TypedDict):
    id: int
    created: bool


class _UpsertedNarrative(TypedDict):
    key: str
    created: bool


class EventHead(TypedDict):
    """An event as the console's candidate list shows it."""

    id: int
    name: str
    occurred_at: datetime
    description: str
    source: str
    detail: JsonObject


class EventListing(EventHead):
    status: str  # confirmed, candidate or dismissed


class EventRow(EventListing):
    """Every column of events."""

    created_at: datetime


class SourceListing(TypedDict):
    id: int
    platform: str
    handle: str
    role: str
    kind: str
    platform_id: int | None
    illustrative: bool
    active: bool
    actor: str | None
    group: str | None
    cited_in: list[JsonObject]
    state: str | None
    last_success_at: datetime | None
    last_error: str | None
    rate_limited_until: datetime | None
    posts: int


class NarrativeRow(TypedDict):
    """Every column of narratives."""

    key: str
    names: dict[str, str]
    descriptions: dict[str, str]
    examples: dict[str, list[str]]
    cues: dict[str, list[str]]
    threshold: float
    updated_at: datetime


def upsert_actor(conn: Conn, actor: ActorSpec) -> tuple[int, bool]:
    row = fetch_row(
        conn, _Upserted,
        """INSERT INTO actors (name, group_key, description, illustrative)
           VALUES (%(name)s, %(group)s, %(description)s, %(illustrative)s)
           ON CONFLICT (name) DO UPDATE SET group_key = EXCLUDED.group_key,
               description = CASE WHEN EXCLUDED.description = '' THEN actors.description
                                  ELSE EXCLUDED.description END,
               illustrative = EXCLUDED.illustrative
           RETURNING id, (xmax = 0) AS created""",
        {"name": actor.name, "group": actor.group, "description": actor.description,
         "illustrative": actor.illustrative},
    )
    return row["id"], row["created"]


def upsert_source(conn: Conn, source: SourceSpec) -> tuple[int, bool]:
    """Create or update a source; an unknown actor is an error, not a silent new actor."""
    actor_id: int | None = None
    if source.actor:
        actor_id = value_or_none(
            conn, int, "SELECT id FROM actors WHERE name = %(name)s", {"name": source.actor})
        if actor_id is None:
            raise CatalogError(f"unknown actor {source.actor!r} for {source.platform}/{source.handle}")
    row = fetch_row(
        conn, _Upserted,
        """INSERT INTO sources (platform, handle, actor_id, role, kind, query, cited_in,
                               illustrative)
           VALUES (%(platform)s, %(handle)s, %(actor_id)s, %(role)s, %(kind)s, %(query)s,
                   %(cited_in)s::jsonb, %(illustrative)s)
           ON CONFLICT (platform, lower(handle)) DO UPDATE SET
               actor_id = COALESCE(EXCLUDED.actor_id, sources.actor_id),
               role = EXCLUDED.role, kind = EXCLUDED.kind,
               query = COALESCE(EXCLUDED.query, sources.query),
               cited_in = CASE WHEN EXCLUDED.cited_in = '[]'::jsonb THEN sources.cited_in
                               ELSE EXCLUDED.cited_in END,
               illustrative = EXCLUDED.illustrative,
               updated_at = now()
           RETURNING id, (xmax = 0) AS created""",
        {"platform": source.platform, "handle": source.handle, "actor_id": actor_id,
         "role": source.role, "kind": source.kind, "query": source.query,
         "cited_in": json.dumps(source.cited_in), "illustrative": source.illustrative},
    )
    return row["id"], row["created"]


def upsert_narrative(conn: Conn, n: NarrativeSpec) -> tuple[str, bool]:
    row = fetch_row(
        conn, _UpsertedNarrative,
        """INSERT INTO narratives (key, names, descriptions, examples, cues, threshold)
           VALUES (%(key)s, %(names)s::jsonb, %(descriptions)s::jsonb, %(examples)s::jsonb,
                   %(cues)s::jsonb, %(threshold)s)
           ON CONFLICT (key) DO UPDATE SET names = EXCLUDED.names,
               descriptions = EXCLUDED.descriptions, examples = EXCLUDED.examples,
               cues = EXCLUDED.cues, threshold = EXCLUDED.threshold, updated_at = now()
           RETURNING key, (xmax = 0) AS created""",
        {"key": n.key, "names": json.dumps(n.names, ensure_ascii=False),
         "descriptions": json.dumps(n.descriptions, ensure_ascii=False),
         "examples": json.dumps(n.examples, ensure_ascii=False),
         "cues": json.dumps(n.cues, ensure_ascii=False), "threshold": n.threshold},
    )
    return row["key"], row["created"]


def upsert_event(conn: Conn, e: EventSpec) -> tuple[int, bool]:
    row = fetch_row(
        conn, _Upserted,
        """INSERT INTO events (name, occurred_at, description, source, status, detail)
           VALUES (%(name)s, %(at)s, %(description)s, %(source)s, %(status)s, %(detail)s::jsonb)
           ON CONFLICT (name) DO UPDATE SET occurred_at = EXCLUDED.occurred_at,
               description = EXCLUDED.description, source = EXCLUDED.source,
               detail = EXCLUDED.detail
           RETURNING id, (xmax = 0) AS created""",
        {"name": e.name, "at": e.at, "description": e.description, "source": e.source,
         "status": e.status, "detail": json.dumps(e.detail)},
    )
    return row["id"], row["created"]


def add_event(conn: Conn, e: EventSpec) -> int:
    """A new event; a duplicate name is refused (events add prints the new id)."""
    try:
        with conn.transaction():
            return value(
                conn, int,
                """INSERT INTO events (name, occurred_at, description, source, status, detail)
                   VALUES (%(name)s, %(at)s, %(description)s, %(source)s, %(status)s,
                           %(detail)s::jsonb) RETURNING id""",
                {"name": e.name, "at": e.at, "description": e.description, "source": e.source,
                 "status": e.status, "detail": json.dumps(e.detail)})
    except psycopg.errors.UniqueViolation:
        raise CatalogError(f"an event named {e.name!r} already exists") from None


def list_sources(conn: Conn) -> list[SourceListing]:
    return fetch_all(
        conn, SourceListing,
        """SELECT s.id, s.platform, s.handle, s.role, s.kind, s.platform_id, s.illustrative,
                  s.active, a.name AS actor, a.group_key AS "group", s.cited_in,
                  cs.state, cs.last_success_at, cs.last_error, cs.rate_limited_until,
                  (SELECT count(*) FROM posts p WHERE p.source_id = s.id) AS posts
           FROM sources s
           LEFT JOIN actors a ON a.id = s.actor_id
           LEFT JOIN collector_state cs ON cs.source_id = s.id
           ORDER BY s.platform, lower(s.handle)""")


def list_events(conn: Conn, status: str | None = None) -> list[EventListing]:
    return fetch_all(
        conn, EventListing,
        """SELECT id, name, occurred_at, description, source, status, detail
           FROM events WHERE %(status)s::text IS NULL OR status = %(status)s
           ORDER BY occurred_at, id""",
        {"status": status})


def find_event(conn: Conn, ref: str) -> EventRow | None:
    """An event by numeric id or exact (case-insensitive) name."""
    if ref.isdigit():
        row = fetch_one(conn, EventRow, "SELECT * FROM events WHERE id = %(id)s", {"id": int(ref)})
        if row is not None:
            return row
    return fetch_one(conn, EventRow, "SELECT * FROM events WHERE lower(name) = lower(%(name)s)",
                     {"name": ref})


def list_narratives(conn: Conn) -> list[NarrativeRow]:
    return fetch_all(conn, NarrativeRow, "SELECT * FROM narratives ORDER BY key")
