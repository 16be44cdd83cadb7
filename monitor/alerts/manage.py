"""Adding, listing, removing and testing alert rules (the library under `chorus alerts`)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg

from monitor.alerts import message
from monitor.alerts.deliver import send_one
from monitor.alerts.rules import (
    RuleError,
    channels_of,
    check_channel,
    check_params,
    check_zone,
    parse_quiet,
)
from monitor.alerts.transport import Sleep
from monitor.digest.send import DeliveryError
from monitor.settings import Config
from storage.alerts import queries as q
from storage.alerts import store as rows
from storage.alerts.store import AlertRule, Incident, NewRule
from storage.database import Database
from storage.rows import JsonObject


def create_rule(db: Database, name: str, kind: str, params: dict[str, Any],
                channels: list[JsonObject], *, quiet: str | None = None,
                timezone: str = "UTC", max_per_hour: int = 12) -> AlertRule:
    """Check and store a rule; it alerts on what arrives from now on."""
    if not channels:
        raise RuleError("give at least one --channel")
    if max_per_hour < 1:
        raise RuleError("--max-per-hour must be at least 1")
    start, end = parse_quiet(quiet)
    spec = NewRule(name=name, kind=kind, params=check_params(kind, params),
                   channels=[check_channel(c) for c in channels], quiet_start=start,
                   quiet_end=end, quiet_timezone=check_zone(timezone),
                   max_per_hour=max_per_hour)
    labels = [c.label for c in channels_of(_as_rule(spec))]
    if len(set(labels)) != len(labels):
        raise RuleError("two channels of the rule have the same name")
    try:
        with db.connection() as conn:
            return rows.add_rule(conn, spec, seen_post_id=q.latest_post_id(conn),
                                 seen_until=q.server_now(conn))
    except psycopg.errors.UniqueViolation:
        raise RuleError(f"an alert rule named {name!r} exists (chorus alerts remove it "
                        "first)") from None
    except psycopg.errors.CheckViolation:
        raise RuleError(f"rule name {name!r}: letters, digits, '.', '-' and '_', "
                        "at most 80") from None


def _as_rule(spec: NewRule) -> AlertRule:
    epoch = datetime.fromtimestamp(0, UTC)
    return AlertRule(0, spec.name, spec.kind, spec.params, spec.channels, spec.quiet_start,
                     spec.quiet_end, spec.quiet_timezone, spec.max_per_hour, True, 0, None,
                     None, epoch)


def describe(rule: AlertRule) -> dict[str, Any]:
    """A rule as `chorus alerts list --json` prints it (channels without URLs' queries)."""
    quiet = (f"{rule.quiet_start:%H:%M}-{rule.quiet_end:%H:%M}"
             if rule.quiet_start and rule.quiet_end else None)
    return {"name": rule.name, "kind": rule.kind, "params": rule.params,
            "channels": [c.label for c in channels_of(rule)], "quiet_hours": quiet,
            "timezone": rule.quiet_timezone, "max_per_hour": rule.max_per_hour,
            "enabled": rule.enabled, "evaluated_at": rule.evaluated_at,
            "created_at": rule.created_at}


def list_rules(db: Database) -> list[AlertRule]:
    with db.connection() as conn:
        return rows.rules(conn)


def remove_rule(db: Database, name: str) -> None:
    with db.connection() as conn:
        if not rows.remove_rule(conn, name):
            raise RuleError(f"no alert rule named {name!r} (see: chorus alerts list)")


def send_test(config: Config, db: Database, name: str, *,
              sleep: Sleep = time.sleep) -> dict[str, str]:
    """Send a sample alert to each of the rule's channels now (nothing is recorded);
    returns channel -> "sent" or the reason it failed."""
    with db.connection() as conn:
        rule = rows.rule_by_name(conn, name)
    if rule is None:
        raise RuleError(f"no alert rule named {name!r} (see: chorus alerts list)")
    now = datetime.now(UTC)
    sample = Incident(0, rule.id, "test", 1, "open", "test alert from chorus alerts test",
                      {"test": True}, now, now)
    body = message.payload(rule, sample, config.console_url)
    out: dict[str, str] = {}
    for channel in channels_of(rule):
        if channel.kind == "email":
            to = channel.spec.get("to")
            data = message.email_bytes(body, sender=config.digest_from,
                                       to=[str(a) for a in to] if isinstance(to, list) else [],
                                       now=now)
        else:
            data = message.webhook_body(str(channel.spec.get("format", "generic")), body)
        try:
            send_one(config, rule, channel.label, data, f"test-{uuid.uuid4()}", sleep=sleep)
            out[channel.label] = "sent"
        except DeliveryError as exc:
            out[channel.label] = f"failed: {exc}"
    return out
