"""Sending recorded alert deliveries: record, mark 'sending', send, mark 'sent'.

Every delivery row holds the exact bytes to send and an idempotency key, both fixed when it
was recorded (monitor/alerts/cycle.py), so every attempt is byte-identical:

1. Recorded ('pending'), before anything leaves: a crash now sends it on the next run.
2. 'sending' (attempts + 1) is committed, then the body is handed over.
3. 'sent' is committed once the receiver accepted it (2xx; SMTP accepted).

The boundary, honestly: between 2 and 3 the outcome is unknown. A crash there (or a lost
connection) leaves the row 'sending', and the next run sends the same bytes again with the
same X-Chorus-Delivery key (email: the same Message-ID). That is at-least-once delivery; a
receiver that keeps the keys it has seen (or a mail system collapsing one Message-ID) makes
it exactly-once. Nothing else is ever sent twice: a version is recorded once per channel
(unique in the table), and a 'sent' row is never picked again.

Failed attempts wait before the next run tries again (doubling, up to an hour), at most
alert_max_attempts times. A rule's hourly cap holds further deliveries of that channel
back until an hour after the earlier ones left; the single daemon leader runs this.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from monitor.alerts.rules import channels_of
from monitor.alerts.transport import Sleep, post_webhook, send_email
from monitor.digest.send import DeliveryError
from monitor.settings import Config
from storage.alerts import store as rows
from storage.alerts.store import AlertRule
from storage.database import Database

log = logging.getLogger("chorus.alerts")
RETRY_AFTER = timedelta(minutes=1)
RETRY_AFTER_MAX = timedelta(hours=1)


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    held: int = 0  # over the rule's hourly cap
    errors: list[str] = field(default_factory=list)


def _retry_at(now: datetime, attempts: int) -> datetime:
    wait: timedelta = min(RETRY_AFTER_MAX, RETRY_AFTER * float(2 ** max(0, attempts - 1)))
    return now + wait


def send_due(config: Config, db: Database, now: datetime, *,
             sleep: Sleep = time.sleep) -> SendSummary:
    out = SendSummary()
    with db.connection() as conn:
        due = rows.due_deliveries(conn, now, max_attempts=config.alert_max_attempts)
        rules = {r.id: r for r in rows.rules(conn)}
    for delivery in due:
        rule = rules.get(delivery.rule_id)
        if rule is None:  # removed meanwhile (its deliveries went with it)
            continue
        with db.connection() as conn:
            if rows.sent_within(conn, rule.id, delivery.channel,
                                now - timedelta(hours=1)) >= rule.max_per_hour:
                out.held += 1
                continue
            rows.mark_sending(conn, delivery.id, now)
        try:
            send_one(config, rule, delivery.channel, delivery.body, delivery.idempotency_key,
                     sleep=sleep)
        except DeliveryError as exc:
            out.failed += 1
            out.errors.append(f"{rule.name} {delivery.channel}: {exc}")
            log.warning("alert %s to %s failed: %s", rule.name, delivery.channel, exc)
            with db.connection() as conn:
                rows.mark_failed(conn, delivery.id, str(exc),
                                 _retry_at(now, delivery.attempts + 1))
            continue
        with db.connection() as conn:
            rows.mark_sent(conn, delivery.id, now)
        out.sent += 1
    return out


def send_one(config: Config, rule: AlertRule, label: str, body: bytes, key: str, *,
             sleep: Sleep = time.sleep) -> None:
    """Hand one recorded body to the rule's channel named `label`."""
    channel = next((c for c in channels_of(rule) if c.label == label), None)
    if channel is None:
        raise DeliveryError(f"rule {rule.name} has no channel {label} any more")
    if channel.kind == "email":
        send_email(config, channel.spec, body, sleep=sleep)
    else:
        post_webhook(config, channel.spec, body, key, sleep=sleep)
