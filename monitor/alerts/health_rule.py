"""Health rules: a source, or every source of a platform, goes blind (monitor.health: rate
limited, read cap reached, failed, logged out, never collected, or no success for
blind_after_minutes). Sources are few, so every evaluation reads their state; an incident
opens when one goes blind and resolves (a new version: "recovered") when it sees again."""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.alerts.findings import Evaluation, Finding
from monitor.health import SourceStatus, source_statuses
from monitor.settings import Config
from storage.alerts import AlertRule, Incident
from storage.database import Database


def _wanted(rule: AlertRule, s: SourceStatus) -> bool:
    platform, source = rule.params.get("platform"), rule.params.get("source")
    if platform and s.platform != platform:
        return False
    return not source or s.handle.lower() == str(source).lower()


def evaluate_health(config: Config, db: Database, rule: AlertRule, now: datetime,
                    open_incidents: list[Incident]) -> Evaluation:
    statuses = [s for s in source_statuses(config, db, now - timedelta(hours=24), now, now)
                if _wanted(rule, s)]
    blind: dict[str, Finding] = {}
    if rule.params.get("scope") == "platform":
        for platform in sorted({s.platform for s in statuses}):
            mine = [s for s in statuses if s.platform == platform]
            if all(s.condition == "blind" for s in mine):
                reasons = sorted({s.reason for s in mine})
                blind[f"platform:{platform}"] = Finding(
                    f"platform:{platform}",
                    f"{platform}: all {len(mine)} source(s) blind ({', '.join(reasons)})",
                    {"platform": platform, "reasons": reasons, "sources": len(mine)})
    else:
        for s in statuses:
            if s.condition != "blind":
                continue
            key = f"source:{s.platform}/{s.handle}"
            blind[key] = Finding(key, f"{s.platform}/{s.handle} is blind ({s.reason})",
                                 {"platform": s.platform, "handle": s.handle, "actor": s.actor,
                                  "reason": s.reason, "state": s.state,
                                  "last_success_at": s.last_success_at.isoformat()
                                  if s.last_success_at else None})
    findings = list(blind.values())
    findings += [Finding(i.incident_key, _subject(i.incident_key) + " recovered",
                         dict(i.detail), state="resolved")
                 for i in open_incidents if i.incident_key not in blind]
    return Evaluation(findings, rule.seen_post_id, now)


def _subject(key: str) -> str:
    """`source:telegram/x` -> `telegram/x`; `platform:telegram` -> `telegram`."""
    return key.partition(":")[2]
