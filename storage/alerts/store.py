"""Alert rules, their incidents and the deliveries of each incident version (migration 120).

The protocol that uses these rows (evaluate, record, send, mark) lives in monitor/alerts/.
Every time the caller passes in (`now`) is the caller's clock, so that a test can drive it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time
from typing import TypedDict

from storage.database import Conn
from storage.rows import JsonObject, fetch_all, fetch_one, fetch_row, value

OPEN_STATUSES = ("pending", "sending", "failed")


@dataclass(frozen=True)
class AlertRule:
    id: int
    name: str
    kind: str
    params: JsonObject
    channels: list[JsonObject]
    quiet_start: time | None
    quiet_end: time | None
    quiet_timezone: str
    max_per_hour: int
    enabled: bool
    seen_post_id: int
    seen_until: datetime | None
    evaluated_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class NewRule:
    name: str
    kind: str
    params: JsonObject
    channels: list[JsonObject]
    quiet_start: time | None = None
    quiet_end: time | None = None
    quiet_timezone: str = "UTC"
    max_per_hour: int = 12


@dataclass(frozen=True)
class Incident:
    id: int
    rule_id: int
    incident_key: str
    version: int
    state: str
    summary: str
    detail: JsonObject
    first_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Delivery:
    id: int
    incident_id: int
    rule_id: int
    rule_name: str
    channel: str
    version: int
    status: str
    idempotency_key: str
    body: bytes
    not_before: datetime
    attempts: int
    last_error: str | None


class DeliveryCounts(TypedDict):
    pending: int
    sending: int
    sent: int
    failed: int
    superseded: int


_RULE_COLUMNS = """id, name, kind, params, channels, quiet_start, quiet_end, quiet_timezone,
       max_per_hour, enabled, seen_post_id, seen_until, evaluated_at, created_at"""


def add_rule(conn: Conn, rule: NewRule, *, seen_post_id: int,
             seen_until: datetime) -> AlertRule:
    """Store a rule whose evaluation starts after `seen_post_id` / `seen_until` (what exists
    now is history, not news). A duplicate name raises psycopg's UniqueViolation."""
    return fetch_row(
        conn, AlertRule,
        f"""INSERT INTO alert_rules (name, kind, params, channels, quiet_start, quiet_end,
                                     quiet_timezone, max_per_hour, seen_post_id, seen_until)
            VALUES (%(name)s, %(kind)s, %(params)s::jsonb, %(channels)s::jsonb, %(qs)s, %(qe)s,
                    %(tz)s, %(cap)s, %(seen_post_id)s, %(seen_until)s)
            RETURNING {_RULE_COLUMNS}""",  # noqa: S608 - constant column list
        {"name": rule.name, "kind": rule.kind, "params": json.dumps(rule.params),
         "channels": json.dumps(rule.channels), "qs": rule.quiet_start, "qe": rule.quiet_end,
         "tz": rule.quiet_timezone, "cap": rule.max_per_hour, "seen_post_id": seen_post_id,
         "seen_until": seen_until})


def rules(conn: Conn, *, enabled_only: bool = False) -> list[AlertRule]:
    return fetch_all(
        conn, AlertRule,
        f"""SELECT {_RULE_COLUMNS} FROM alert_rules
            WHERE enabled OR NOT %(enabled_only)s ORDER BY name""",  # noqa: S608 - constant
        {"enabled_only": enabled_only})


def rule_by_name(conn: Conn, name: str) -> AlertRule | None:
    return fetch_one(conn, AlertRule,
                     f"SELECT {_RULE_COLUMNS} FROM alert_rules WHERE name = %(name)s",  # noqa: S608
                     {"name": name})


def remove_rule(conn: Conn, name: str) -> bool:
    """Delete a rule with its incidents and deliveries; False when there was none."""
    return conn.execute("DELETE FROM alert_rules WHERE name = %(name)s",
                        {"name": name}).rowcount > 0


def advance_many(conn: Conn, marks: list[tuple[int, int, datetime]], now: datetime) -> None:
    """Move rules' watermarks forward (never back), in one statement: (rule id, seen post id,
    seen until) each."""
    conn.execute(
        """UPDATE alert_rules r
           SET seen_post_id = greatest(r.seen_post_id, m.post_id),
               seen_until = greatest(coalesce(r.seen_until, m.until), m.until),
               evaluated_at = %(now)s
           FROM unnest(%(ids)s::bigint[], %(posts)s::bigint[], %(untils)s::timestamptz[])
                AS m(id, post_id, until)
           WHERE r.id = m.id""",
        {"ids": [m[0] for m in marks], "posts": [m[1] for m in marks],
         "untils": [m[2] for m in marks], "now": now})


@dataclass(frozen=True)
class IncidentWrite:
    """What a rule found under an incident key, to be written (upsert_incidents)."""

    rule_id: int
    key: str
    summary: str
    detail: JsonObject
    state: str


def upsert_incidents(conn: Conn, found: list[IncidentWrite], now: datetime) -> list[Incident]:
    """Record what the rules of a run found, in one statement: each key a new incident
    (version 1), or a new version when its summary or state changed. The incidents as they
    now stand, only those written (an unchanged finding returns nothing), in no set order.
    A key given twice for a rule keeps its last finding."""
    last = {(f.rule_id, f.key): f for f in found}
    if not last:
        return []
    given = list(last.values())
    # The arrays go in binary (%b): in text, psycopg escapes every quote of every detail.
    return fetch_all(
        conn, Incident,
        """INSERT INTO alert_incidents (rule_id, incident_key, summary, detail, state,
                                        first_at, updated_at)
           SELECT g.rule_id, g.key, g.summary, g.detail::jsonb, g.state, %(now)s, %(now)s
           FROM unnest(%(rule_ids)b::bigint[], %(keys)b::text[], %(summaries)b::text[],
                       %(details)b::text[], %(states)b::text[])
                AS g(rule_id, key, summary, detail, state)
           ON CONFLICT (rule_id, incident_key) DO UPDATE
               SET version = alert_incidents.version + 1, summary = EXCLUDED.summary,
                   detail = EXCLUDED.detail, state = EXCLUDED.state,
                   updated_at = EXCLUDED.updated_at
               WHERE alert_incidents.summary <> EXCLUDED.summary
                  OR alert_incidents.state <> EXCLUDED.state
           RETURNING id, rule_id, incident_key, version, state, summary, detail, first_at,
                     updated_at""",
        {"rule_ids": [f.rule_id for f in given], "keys": [f.key for f in given],
         "summaries": [f.summary for f in given],
         "details": [json.dumps(f.detail) for f in given],
         "states": [f.state for f in given], "now": now})


def incidents(conn: Conn, rule_id: int, *, state: str | None = None) -> list[Incident]:
    return fetch_all(
        conn, Incident,
        """SELECT id, rule_id, incident_key, version, state, summary, detail, first_at,
                  updated_at
           FROM alert_incidents
           WHERE rule_id = %(rule_id)s AND (%(state)s::text IS NULL OR state = %(state)s)
           ORDER BY first_at, id""",
        {"rule_id": rule_id, "state": state})


def run_incidents(conn: Conn, rule_ids: list[int], search_key: str) -> list[Incident]:
    """What one alerts run needs of the rules' incidents, in one read: every open incident,
    and each rule's incident under `search_key` (a saved search's incident of the day)."""
    return fetch_all(
        conn, Incident,
        """SELECT id, rule_id, incident_key, version, state, summary, detail, first_at,
                  updated_at
           FROM alert_incidents
           WHERE rule_id = ANY(%(ids)s) AND (state = 'open' OR incident_key = %(key)s)
           ORDER BY rule_id, first_at, id""",
        {"ids": rule_ids, "key": search_key})


@dataclass(frozen=True)
class DeliveryWrite:
    """One incident version rendered for one channel, to be recorded (record_deliveries)."""

    incident_id: int
    rule_id: int
    channel: str
    version: int
    idempotency_key: str
    body: bytes
    not_before: datetime


def record_deliveries(conn: Conn, given: list[DeliveryWrite], now: datetime) -> int:
    """Record incident versions for their channels before anything is sent, in one
    statement (once: a second record of the same version and channel does nothing); older
    versions of an incident for the channel that have not left yet are superseded by it.
    How many were recorded now."""
    if not given:
        return 0
    return value(
        conn, int,
        """WITH recorded AS (
               INSERT INTO alert_deliveries (incident_id, rule_id, channel, version,
                                             idempotency_key, body, not_before, created_at)
               SELECT g.incident_id, g.rule_id, g.channel, g.version, g.key, g.body,
                      g.not_before, %(now)s
               FROM unnest(%(incident_ids)b::bigint[], %(rule_ids)b::bigint[],
                           %(channels)b::text[], %(versions)b::int[], %(keys)b::text[],
                           %(bodies)b::bytea[], %(not_befores)b::timestamptz[])
                    AS g(incident_id, rule_id, channel, version, key, body, not_before)
               ON CONFLICT (incident_id, channel, version) DO NOTHING
               RETURNING incident_id, channel, version
           ), superseded AS (
               UPDATE alert_deliveries d SET status = 'superseded'
               FROM recorded r
               WHERE d.incident_id = r.incident_id AND d.channel = r.channel
                 AND d.version < r.version AND d.status IN ('pending', 'failed')
           )
           SELECT count(*)::int AS n FROM recorded""",
        {"incident_ids": [d.incident_id for d in given],
         "rule_ids": [d.rule_id for d in given], "channels": [d.channel for d in given],
         "versions": [d.version for d in given],
         "keys": [d.idempotency_key for d in given], "bodies": [d.body for d in given],
         "not_befores": [d.not_before for d in given], "now": now})


def due_deliveries(conn: Conn, now: datetime, *, max_attempts: int,
                   limit: int = 200) -> list[Delivery]:
    """Deliveries to try now, oldest first: recorded, handed over without a confirmation
    (a crash between send and mark), or failed with attempts left."""
    return fetch_all(
        conn, Delivery,
        """SELECT d.id, d.incident_id, d.rule_id, r.name AS rule_name, d.channel, d.version,
                  d.status, d.idempotency_key, d.body, d.not_before, d.attempts, d.last_error
           FROM alert_deliveries d JOIN alert_rules r ON r.id = d.rule_id
           WHERE d.status IN ('pending', 'sending', 'failed') AND d.not_before <= %(now)s
             AND d.attempts < %(max_attempts)s
           ORDER BY d.id LIMIT %(limit)s""",
        {"now": now, "max_attempts": max_attempts, "limit": limit})


def sent_within(conn: Conn, rule_id: int, channel: str, since: datetime) -> int:
    """Deliveries of the rule to the channel sent since `since` (for the hourly cap)."""
    return value(
        conn, int,
        """SELECT count(*) AS n FROM alert_deliveries
           WHERE rule_id = %(rule_id)s AND channel = %(channel)s AND status = 'sent'
             AND sent_at >= %(since)s""",
        {"rule_id": rule_id, "channel": channel, "since": since})


def mark_sending(conn: Conn, delivery_id: int, now: datetime) -> None:
    """Committed before the body leaves: from here a crash means 'outcome unknown'."""
    conn.execute(
        """UPDATE alert_deliveries
           SET status = 'sending', attempts = attempts + 1, last_attempt_at = %(now)s
           WHERE id = %(id)s""", {"id": delivery_id, "now": now})


def mark_sent(conn: Conn, delivery_id: int, now: datetime) -> None:
    conn.execute(
        """UPDATE alert_deliveries SET status = 'sent', sent_at = %(now)s, last_error = NULL
           WHERE id = %(id)s""", {"id": delivery_id, "now": now})


def mark_failed(conn: Conn, delivery_id: int, error: str, retry_at: datetime) -> None:
    conn.execute(
        """UPDATE alert_deliveries
           SET status = 'failed', last_error = %(error)s, not_before = %(retry_at)s
           WHERE id = %(id)s AND status <> 'sent'""",
        {"id": delivery_id, "error": error[:2000], "retry_at": retry_at})


def delivery_counts(conn: Conn) -> DeliveryCounts:
    return fetch_row(
        conn, DeliveryCounts,
        """SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
                  count(*) FILTER (WHERE status = 'sending') AS sending,
                  count(*) FILTER (WHERE status = 'sent') AS sent,
                  count(*) FILTER (WHERE status = 'failed') AS failed,
                  count(*) FILTER (WHERE status = 'superseded') AS superseded
           FROM alert_deliveries""")


def deliveries_of(conn: Conn, rule_id: int) -> list[Delivery]:
    return fetch_all(
        conn, Delivery,
        """SELECT d.id, d.incident_id, d.rule_id, r.name AS rule_name, d.channel, d.version,
                  d.status, d.idempotency_key, d.body, d.not_before, d.attempts, d.last_error
           FROM alert_deliveries d JOIN alert_rules r ON r.id = d.rule_id
           WHERE d.rule_id = %(rule_id)s ORDER BY d.id""", {"rule_id": rule_id})
