"""One alerts run: evaluate every enabled rule on what is new, record a delivery for each new
incident version and channel, then send what is due (monitor/alerts/deliver.py).

A rule's findings, its new incident versions, their recorded deliveries and its moved
watermark commit together, so a crash mid-run re-reads the same rows next time and records
nothing twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.alerts import evaluate, health_rule, message, watch_rule
from monitor.alerts.findings import Evaluation
from monitor.alerts.rules import channels_of, quiet_until
from monitor.alerts.shared import Shared
from monitor.settings import Config
from storage.alerts import queries as q
from storage.alerts import store as rows
from storage.alerts.store import AlertRule
from storage.database import Conn, Database

log = logging.getLogger("chorus.alerts")


@dataclass
class RunSummary:
    rules: int = 0
    versions: int = 0
    recorded: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


def _evaluate(config: Config, db: Database, conn: Conn, rule: AlertRule, now: datetime,
              upto: datetime, shared: Shared) -> Evaluation:
    if rule.kind == "search":
        today = now.date().isoformat()
        previous = rows.incident_by_key(conn, rule.id, f"search:{today}")
        return evaluate.evaluate_search(conn, rule, upto, today,
                                        previous.detail if previous else None, shared=shared)
    opened = rows.incidents(conn, rule.id, state="open")
    if rule.kind == "convergence":
        return evaluate.evaluate_convergence(conn, rule, upto, opened, shared=shared)
    if rule.kind == "prepositioning":
        return watch_rule.evaluate_watch(conn, rule, upto, now, opened, shared=shared)
    return health_rule.evaluate_health(config, db, rule, now, opened, shared=shared)


def record_version(config: Config, conn: Conn, rule: AlertRule, incident_id: int,
                   now: datetime) -> int:
    """Render and record the incident's current version for each of the rule's channels;
    held until the rule's quiet hours end. Returns how many were recorded."""
    incident = rows.incident(conn, incident_id)
    if incident is None:  # pragma: no cover - recorded in this transaction
        return 0
    body = message.payload(rule, incident, config.console_url)
    not_before = quiet_until(rule, now) or now
    recorded = 0
    for channel in channels_of(rule):
        if channel.kind == "email":
            to = channel.spec.get("to")
            data = message.email_bytes(body, sender=config.digest_from,
                                       to=[str(a) for a in to] if isinstance(to, list) else [],
                                       now=now)
        else:
            data = message.webhook_body(str(channel.spec.get("format", "generic")), body)
        recorded += rows.record_delivery(
            conn, incident_id=incident.id, rule_id=rule.id, channel=channel.label,
            version=incident.version, idempotency_key=str(uuid.uuid4()), body=data,
            not_before=not_before, now=now)
    return recorded


def evaluate_rules(config: Config, db: Database, now: datetime, *,
                   settle: timedelta = q.SETTLE) -> RunSummary:
    summary = RunSummary()
    shared = Shared()
    with db.connection() as conn:  # one connection for the run, a transaction per rule
        with conn.transaction():
            enabled = rows.rules(conn, enabled_only=True)
            # One watermark for the run: every rule reads up to it and moves to it, so the
            # rules ask the same questions and each is answered once (monitor.alerts.shared).
            upto = q.server_now(conn) - settle
        for rule in enabled:
            versions = _run_rule(config, db, conn, rule, now, upto, shared, summary)
            summary.rules += 1
            summary.versions += versions
            if versions:
                summary.by_rule[rule.name] = versions
                log.info("alert rule %s: %d new incident version(s)", rule.name, versions)
    return summary


def _run_rule(config: Config, db: Database, conn: Conn, rule: AlertRule, now: datetime,
              upto: datetime, shared: Shared, summary: RunSummary) -> int:
    """Evaluate one rule and record what it found, in one transaction; new versions."""
    with conn.transaction():
        rows.commit_lazily(conn)
        result = _evaluate(config, db, conn, rule, now, upto, shared)
        versions = 0
        for finding in result.findings:
            changed = rows.upsert_incident(conn, rule.id, finding.key,
                                           summary=finding.summary, detail=finding.detail,
                                           state=finding.state, now=now)
            if changed is None:
                continue
            versions += 1
            summary.recorded += record_version(config, conn, rule, changed["id"], now)
        rows.advance(conn, rule.id, seen_post_id=result.seen_post_id,
                     seen_until=result.seen_until, now=now)
    return versions
