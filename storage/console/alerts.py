"""The console's alerts page: recent incidents and deliveries across every rule (the rules
themselves come from storage.alerts)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from storage.database import Conn
from storage.rows import fetch_all


class IncidentLine(TypedDict):
    id: int
    rule: str
    incident_key: str
    version: int
    state: str
    summary: str
    first_at: datetime
    updated_at: datetime


class DeliveryLine(TypedDict):
    id: int
    rule: str
    incident_id: int
    channel: str
    version: int
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    not_before: datetime
    sent_at: datetime | None


def recent_incidents(conn: Conn, limit: int = 50) -> list[IncidentLine]:
    return fetch_all(
        conn, IncidentLine,
        """SELECT i.id, r.name AS rule, i.incident_key, i.version, i.state, i.summary,
                  i.first_at, i.updated_at
           FROM alert_incidents i JOIN alert_rules r ON r.id = i.rule_id
           ORDER BY i.updated_at DESC, i.id DESC LIMIT %(limit)s""", {"limit": limit})


def recent_deliveries(conn: Conn, status: str | None = None,
                      limit: int = 100) -> list[DeliveryLine]:
    """Newest first; `status` one of storage.alerts' delivery statuses, or all."""
    return fetch_all(
        conn, DeliveryLine,
        """SELECT d.id, r.name AS rule, d.incident_id, d.channel, d.version, d.status,
                  d.attempts, d.last_error, d.created_at, d.not_before, d.sent_at
           FROM alert_deliveries d JOIN alert_rules r ON r.id = d.rule_id
           WHERE %(status)s::text IS NULL OR d.status = %(status)s::text
           ORDER BY d.id DESC LIMIT %(limit)s""", {"status": status, "limit": limit})
