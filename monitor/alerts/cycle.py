"""One alerts run: evaluate every enabled rule on what is new, record a delivery for each new
incident version and channel, then send what is due (monitor/alerts/deliver.py).

The run's findings, new incident versions, recorded deliveries and moved watermarks commit
together, so a crash mid-run re-reads the same rows next time and records nothing twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.alerts import evaluate, health_rule, message, watch_rule
from monitor.alerts.findings import Evaluation, Finding
from monitor.alerts.rules import channels_of, quiet_until
from monitor.alerts.shared import Shared
from monitor.settings import Config
from storage.alerts import queries as q
from storage.alerts import store as rows
from storage.alerts.store import AlertRule, Incident
from storage.database import Conn, Database

log = logging.getLogger("chorus.alerts")


@dataclass
class RunSummary:
    rules: int = 0
    versions: int = 0
    recorded: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


def _evaluate(config: Config, db: Database, conn: Conn, rule: AlertRule, now: datetime,
              upto: datetime, shared: Shared, known: list[Incident]) -> Evaluation:
    """What the rule finds; `known`: its incidents read for the run (rows.run_incidents)."""
    if rule.kind == "search":
        key = _search_key(now)
        previous = next((i for i in known if i.incident_key == key), None)
        return evaluate.evaluate_search(conn, rule, upto, key.partition(":")[2],
                                        previous.detail if previous else None, shared=shared)
    opened = [i for i in known if i.state == "open"]
    if rule.kind == "convergence":
        return evaluate.evaluate_convergence(conn, rule, upto, opened, shared=shared)
    if rule.kind == "prepositioning":
        return watch_rule.evaluate_watch(conn, rule, upto, now, opened, shared=shared)
    return health_rule.evaluate_health(config, db, rule, now, opened, shared=shared)


SIDE_KINDS = ("search", "prepositioning")  # evaluated beside the others (evaluate_rules)
# Worker threads of a run, each with a pooled connection while it reads: the side rules,
# the health rules' reads, and the adopters of a second touched event. With the run's own
# connection four of the daemon's pool (monitor/commands/daemon.py).
AHEAD = 3


def _evaluate_all(config: Config, db: Database, conn: Conn | None, rules: list[AlertRule],
                  now: datetime, upto: datetime, shared: Shared,
                  known: dict[int, list[Incident]]) -> dict[int, Evaluation]:
    """What each of `rules` finds, by rule id, on `conn` (None: a pooled connection of its
    own, for a worker thread; `shared` then must be the thread's own)."""
    if conn is None:
        with db.connection() as own:
            return _evaluate_all(config, db, own, rules, now, upto, shared, known)
    return {rule.id: _evaluate(config, db, conn, rule, now, upto, shared, known[rule.id])
            for rule in rules}


def _search_key(now: datetime) -> str:
    """A saved search's incident key: one incident per UTC day (monitor.alerts.evaluate)."""
    return f"search:{now.date().isoformat()}"


def _unchanged(finding: Finding, opened: dict[str, Incident]) -> bool:
    """The open incident already says this: upsert_incident would change nothing. (A health
    rule finds every blind source again each minute; skipping saves a write per source.)"""
    known = opened.get(finding.key)
    return known is not None and known.summary == finding.summary \
        and known.state == finding.state


def deliveries_of(config: Config, rule: AlertRule, incident: Incident,
                  now: datetime) -> list[rows.DeliveryWrite]:
    """The incident's current version rendered for each of the rule's channels; held until
    the rule's quiet hours end."""
    body = message.payload(rule, incident, config.console_url)
    not_before = quiet_until(rule, now) or now
    out: list[rows.DeliveryWrite] = []
    for channel in channels_of(rule):
        if channel.kind == "email":
            to = channel.spec.get("to")
            data = message.email_bytes(body, sender=config.digest_from,
                                       to=[str(a) for a in to] if isinstance(to, list) else [],
                                       now=now)
        else:
            data = message.webhook_body(str(channel.spec.get("format", "generic")), body)
        out.append(rows.DeliveryWrite(incident.id, rule.id, channel.label, incident.version,
                                      str(uuid.uuid4()), data, not_before))
    return out


def evaluate_rules(config: Config, db: Database, now: datetime, *,
                   settle: timedelta = q.SETTLE) -> RunSummary:
    summary = RunSummary()
    with db.connection() as conn:  # one connection for the run
        with conn.transaction():
            enabled = rows.rules(conn, enabled_only=True)
            # One watermark for the run: every rule reads up to it and moves to it, so the
            # rules ask the same questions and each is answered once (monitor.alerts.shared).
            upto = q.server_now(conn) - settle
            known: dict[int, list[Incident]] = {r.id: [] for r in enabled}
            for incident in rows.run_incidents(conn, list(known), _search_key(now)):
                known[incident.rule_id].append(incident)
        # Every rule reads first (single statements, no transaction held open); then what
        # they found, its deliveries and every watermark are written in one transaction. A
        # crash before its commit leaves the old watermarks: the next run reads the same
        # rows and records nothing twice. Few round trips: 50 rules a minute (issue 15).
        found: list[tuple[AlertRule, list[Finding]]] = []
        marks: list[tuple[int, int, datetime]] = []
        with _autocommit(conn), ThreadPoolExecutor(AHEAD, "chorus-alerts") as ahead:
            shared = Shared(ahead, db)  # reads started ahead go to the workers
            # Saved searches and watches read other rows than the convergence rules: they
            # run at the same time on a connection of their own (the server has the cores).
            side = [r for r in enabled if r.kind in SIDE_KINDS]
            beside = ahead.submit(_evaluate_all, config, db, None, side, now, upto, Shared(),
                                  known)
            for rule in enabled:  # the health rules' reads of every source start now
                if rule.kind == "health":
                    health_rule.prefetch(config, db, rule, now, shared, ahead)
            results = _evaluate_all(config, db, conn, [r for r in enabled if r not in side],
                                    now, upto, shared, known)
            results.update(beside.result())
            for rule in enabled:
                result = results[rule.id]
                opened = {i.incident_key: i for i in known[rule.id] if i.state == "open"}
                changed = [f for f in result.findings if not _unchanged(f, opened)]
                if changed:
                    found.append((rule, changed))
                marks.append((rule.id, result.seen_post_id, result.seen_until))
                summary.rules += 1
            with conn.transaction():
                _record(config, conn, found, now, summary)
                if marks:
                    rows.advance_many(conn, marks, now)
    return summary


@contextmanager
def _autocommit(conn: Conn) -> Iterator[None]:
    """The pooled connection in autocommit mode, put back as it was for the pool's next user.

    Its commit need not wait for its WAL to reach the disk. Safe for evaluation: a crash
    loses at most the run's transaction whole (records and watermarks together, so they are
    evaluated again), and nothing
    recorded can leave before it is durable, because a delivery is marked 'sending' by a
    synchronous commit first (deliver.py), which flushes all the WAL before it."""
    conn.autocommit = True
    conn.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        if not (conn.closed or conn.broken):
            conn.execute("RESET synchronous_commit")
            conn.autocommit = False


def _record(config: Config, conn: Conn, found: list[tuple[AlertRule, list[Finding]]],
            now: datetime, summary: RunSummary) -> None:
    """Write the run's changed findings as incident versions, then their deliveries: two
    statements whatever the number of findings (the first run of new rules finds hundreds)."""
    by_id = {rule.id: rule for rule, _ in found}
    given = [rows.IncidentWrite(rule.id, f.key, f.summary, f.detail, f.state)
             for rule, changed in found for f in changed]
    order = {(g.rule_id, g.key): n for n, g in enumerate(given)}
    # Deliveries are recorded (and so sent) in the order the rules found them.
    written = sorted(rows.upsert_incidents(conn, given, now),
                     key=lambda i: order[(i.rule_id, i.incident_key)])
    deliveries: list[rows.DeliveryWrite] = []
    for incident in written:
        rule = by_id[incident.rule_id]
        deliveries += deliveries_of(config, rule, incident, now)
        summary.by_rule[rule.name] = summary.by_rule.get(rule.name, 0) + 1
    summary.versions += len(written)
    summary.recorded += rows.record_deliveries(conn, deliveries, now)
    for name, versions in summary.by_rule.items():
        log.info("alert rule %s: %d new incident version(s)", name, versions)
