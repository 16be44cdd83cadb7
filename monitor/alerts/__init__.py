"""Alerts within minutes (issue 15): rules stored in PostgreSQL (storage/alerts/store.py), evaluated
every alerts_interval_s on what is new since each rule's watermark (monitor/alerts/cycle.py,
evaluate.py, health_rule.py), one incident per key whose growth makes new versions, each
version recorded per channel and then sent (monitor/alerts/deliver.py: at-least-once with an
idempotency key; see there for the exact boundary).

Watermarks: a rule reads rows up to a server time SETTLE seconds back
(storage/alerts/queries.py), so a page still being committed is read next time; a transaction
open longer than that when a rule runs can be passed over.

Speed (bench/alerts.py; deploy/SCALING.md has the figures): a run reads first and writes
once (every incident version and delivery in two statements, with the watermarks); saved
searches and watches are read on a worker connection beside the convergence and health
rules; the health rules' reads start ahead; an event's adopters are kept between runs and
updated from new tags only while nothing else changed its window
(monitor/alerts/adopter_state.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitor.alerts.cycle import evaluate_rules
from monitor.alerts.deliver import send_due
from monitor.settings import Config
from storage.database import Database


def run_alerts(config: Config, db: Database, now: datetime) -> dict[str, Any]:
    """One daemon run: evaluate every enabled rule, then send what is due."""
    found = evaluate_rules(config, db, now)
    sent = send_due(config, db, now)
    return {"rules": found.rules, "versions": found.versions, "recorded": found.recorded,
            "sent": sent.sent, "failed": sent.failed, "held": sent.held}
