"""Actors, sources, narratives and events: the catalogue the analysis is anchored on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import psycopg

from storage.rows import one


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


def upsert_actor(conn: psycopg.Connection[Any], actor: ActorSpec) -> tuple[int, bool]:
    row = conn.execute(
        """INSERT INTO actors (name, group_key, description, illustrative)
           VALUES (%(name)s, %(group)s, %(description)s, %(illustrative)s)
           ON CONFLICT (name) DO UPDATE SET group_key = EXCLUDED.group_key,
               description = CASE WHEN EXCLUDED.description = '' THEN actors.description
                                  ELSE EXCLUDED.description END,
               illustrative = EXCLUDED.illustrative
           RETURNING id, (xmax = 0) AS created""",
        {"name": actor.name, "group": actor.group, "description": actor.description,
         "illustrative": actor.illustrative},
    ).fetchone()
    row = one(row)
    return int(row["id"]), bool(row["created"])


def upsert_source(conn: psycopg.Connection[Any], source: SourceSpec) -> tuple[int, bool]:
    """Create or update a source; an unknown actor is an error, not a silent new actor."""
    actor_id: int | None = None
    if source.actor:
        found = conn.execute(
            "SELECT id FROM actors WHERE name = %(name)s", {"name": source.actor}
        ).fetchone()
        if found is None:
            raise CatalogError(f"unknown actor {source.actor!r} for {source.platform}/{source.handle}")
        actor_id = int(found["id"])
    row = conn.execute(
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
    ).fetchone()
    row = one(row)
    return int(row["id"]), bool(row["created"])


def upsert_narrative(conn: psycopg.Connection[Any], n: NarrativeSpec) -> tuple[str, bool]:
    row = conn.execute(
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
    ).fetchone()
    row = one(row)
    return str(row["key"]), bool(row["created"])


def upsert_event(conn: psycopg.Connection[Any], e: EventSpec) -> tuple[int, bool]:
    row = conn.execute(
        """INSERT INTO events (name, occurred_at, description, source, status, detail)
           VALUES (%(name)s, %(at)s, %(description)s, %(source)s, %(status)s, %(detail)s::jsonb)
           ON CONFLICT (name) DO UPDATE SET occurred_at = EXCLUDED.occurred_at,
               description = EXCLUDED.description, source = EXCLUDED.source,
               detail = EXCLUDED.detail
           RETURNING id, (xmax = 0) AS created""",
        {"name": e.name, "at": e.at, "description": e.description, "source": e.source,
         "status": e.status, "detail": json.dumps(e.detail)},
    ).fetchone()
    row = one(row)
    return int(row["id"]), bool(row["created"])


def add_event(conn: psycopg.Connection[Any], e: EventSpec) -> int:
    """A new event; a duplicate name is refused (events add prints the new id)."""
    try:
        with conn.transaction():
            row = conn.execute(
                """INSERT INTO events (name, occurred_at, description, source, status, detail)
                   VALUES (%(name)s, %(at)s, %(description)s, %(source)s, %(status)s,
                           %(detail)s::jsonb) RETURNING id""",
                {"name": e.name, "at": e.at, "description": e.description, "source": e.source,
                 "status": e.status, "detail": json.dumps(e.detail)},
            ).fetchone()
    except psycopg.errors.UniqueViolation:
        raise CatalogError(f"an event named {e.name!r} already exists") from None
    row = one(row)
    return int(row["id"])


def list_sources(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    return conn.execute(
        """SELECT s.id, s.platform, s.handle, s.role, s.kind, s.platform_id, s.illustrative,
                  s.active, a.name AS actor, a.group_key AS "group", s.cited_in,
                  cs.state, cs.last_success_at, cs.last_error, cs.rate_limited_until,
                  (SELECT count(*) FROM posts p WHERE p.source_id = s.id) AS posts
           FROM sources s
           LEFT JOIN actors a ON a.id = s.actor_id
           LEFT JOIN collector_state cs ON cs.source_id = s.id
           ORDER BY s.platform, lower(s.handle)"""
    ).fetchall()


def list_events(conn: psycopg.Connection[Any], status: str | None = None) -> list[dict[str, Any]]:
    return conn.execute(
        """SELECT id, name, occurred_at, description, source, status, detail
           FROM events WHERE %(status)s::text IS NULL OR status = %(status)s
           ORDER BY occurred_at, id""",
        {"status": status},
    ).fetchall()


def find_event(conn: psycopg.Connection[Any], ref: str) -> dict[str, Any] | None:
    """An event by numeric id or exact (case-insensitive) name."""
    if ref.isdigit():
        row: dict[str, Any] | None = conn.execute(
            "SELECT * FROM events WHERE id = %(id)s", {"id": int(ref)}).fetchone()
        if row is not None:
            return row
    result: dict[str, Any] | None = conn.execute(
        "SELECT * FROM events WHERE lower(name) = lower(%(name)s)", {"name": ref}
    ).fetchone()
    return result


def list_narratives(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    return conn.execute("SELECT * FROM narratives ORDER BY key").fetchall()
