"""Health rules: a source, or every source of a platform, goes blind (monitor.health: rate
limited, read cap reached, failed, logged out, never collected, or no success for
blind_after_minutes); a source's day has a large gap of possible missing posts
(storage.completeness); or a source stays silent far longer than its own history
(storage.source_rhythm: `silence_factor` times a high percentile of its gaps between posts
over `silence_days`). Sources are few, so every evaluation reads their state; a blind or
silent incident resolves (a new version: "recovered") when the source sees or speaks again.
A gap incident stays: it is a record of that day, and it grows as the day's gap grows."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from concurrent.futures import Executor
from datetime import datetime, timedelta

from monitor.alerts.findings import Evaluation, Finding
from monitor.alerts.shared import Shared
from monitor.health import SourceStatus, source_statuses
from monitor.settings import Config
from storage import completeness, source_rhythm
from storage.alerts.store import AlertRule, Incident
from storage.database import Database
from storage.rows import JsonObject

CHECKS = ("blind", "gaps", "silence")
RESOLVING = ("source:", "platform:", "silent:")  # keys that recover; gap keys stay


def _narrowed(rule: AlertRule) -> bool:
    """Whether the rule watches one platform or source rather than every source."""
    return bool(rule.params.get("platform") or rule.params.get("source"))


def _wanted(rule: AlertRule, platform: str, handle: str) -> bool:
    want_platform, source = rule.params.get("platform"), rule.params.get("source")
    if want_platform and platform != want_platform:
        return False
    return not source or handle.lower() == str(source).lower()


def _checks(rule: AlertRule) -> list[str]:
    checks = rule.params.get("checks")
    return [str(c) for c in checks] if isinstance(checks, list) else list(CHECKS)


def _blind(rule: AlertRule, statuses: list[SourceStatus]) -> list[Finding]:
    found: list[Finding] = []
    if rule.params.get("scope") == "platform":
        for platform in sorted({s.platform for s in statuses}):
            mine = [s for s in statuses if s.platform == platform]
            if all(s.condition == "blind" for s in mine):
                reasons = sorted({s.reason for s in mine})
                found.append(Finding(
                    f"platform:{platform}",
                    f"{platform}: all {len(mine)} source(s) blind ({', '.join(reasons)})",
                    {"platform": platform, "reasons": reasons, "sources": len(mine)}))
        return found
    for s in statuses:
        if s.condition != "blind":
            continue
        key = f"source:{s.platform}/{s.handle}"
        found.append(Finding(key, f"{s.platform}/{s.handle} is blind ({s.reason})",
                             {"platform": s.platform, "handle": s.handle, "actor": s.actor,
                              "reason": s.reason, "state": s.state,
                              "last_success_at": s.last_success_at.isoformat()
                              if s.last_success_at else None}))
    return found


def _statuses_read(config: Config, db: Database, now: datetime
                   ) -> tuple[Hashable, Callable[[], list[SourceStatus]]]:
    """Every watched source's condition now (no posts counted: blindness needs none)."""
    return ("statuses", now), lambda: source_statuses(
        config, db, now - timedelta(hours=24), now, now, with_posts=False)


def _gaps_read(db: Database, now: datetime
               ) -> tuple[Hashable, Callable[[], list[completeness.DayCompleteness]]]:
    def read() -> list[completeness.DayCompleteness]:
        with db.connection() as conn:
            return completeness.days(conn, (now - timedelta(days=1)).date(), now.date())
    return ("gap-days", now), read


def _gaps(db: Database, rule: AlertRule, now: datetime, shared: Shared) -> list[Finding]:
    """A source's day (today or yesterday, UTC) with at least `gap_posts` possible missing."""
    bound = int(str(rule.params.get("gap_posts", 50)))
    days = shared.get(*_gaps_read(db, now))
    found: list[Finding] = []
    for day in days:
        missing = completeness.unseen(day)
        if missing < bound or not _wanted(rule, day["platform"], day["handle"]):
            continue
        subject = f"{day['platform']}/{day['handle']}"
        found.append(Finding(
            f"gap:{subject}:{day['day'].isoformat()}",
            f"{subject}: {missing} possible missing post(s) on {day['day'].isoformat()}",
            {"platform": day["platform"], "handle": day["handle"],
             "day": day["day"].isoformat(), "possible_missing": missing,
             "recovered": day["recovered"], "gaps": day["gaps"],
             "reported": day["reported"], "stored": day["stored"]}))
    return found


def _silence_read(db: Database, rule: AlertRule, now: datetime
                  ) -> tuple[Hashable, Callable[[], list[source_rhythm.Rhythm]]]:
    """The sources silent now by the rule's rhythm parameters (storage.source_rhythm)."""
    p = rule.params
    factor = float(str(p.get("silence_factor", 3.0)))
    min_posts = int(str(p.get("silence_min_posts", 10)))
    days = int(str(p.get("silence_days", 30)))
    percentile = float(str(p.get("silence_percentile", 0.95)))

    def read() -> list[source_rhythm.Rhythm]:
        with db.connection() as conn:
            return source_rhythm.silent_sources(conn, now, days=days, percentile=percentile,
                                                factor=factor, min_posts=min_posts)
    return ("rhythms", now, days, percentile, factor, min_posts), read


def _silences(db: Database, rule: AlertRule, now: datetime, shared: Shared) -> list[Finding]:
    p = rule.params
    factor = float(str(p.get("silence_factor", 3.0)))
    min_posts = int(str(p.get("silence_min_posts", 10)))
    days = int(str(p.get("silence_days", 30)))
    percentile = float(str(p.get("silence_percentile", 0.95)))
    rows = shared.get(*_silence_read(db, rule, now))
    found: list[Finding] = []
    for r in rows:
        if not _wanted(rule, r["platform"], r["handle"]):
            continue
        typical = r["typical_gap_s"]
        if r["posts"] < min_posts or not typical:
            continue
        silent_s = (now - r["latest_post_at"]).total_seconds()
        if silent_s <= factor * typical:
            continue
        subject = f"{r['platform']}/{r['handle']}"
        # The summary names only what stays put while the silence lasts (one alert, not
        # one a minute); the figures go in the detail.
        found.append(Finding(
            f"silent:{subject}",
            f"{subject} silent since {r['latest_post_at']:%Y-%m-%d %H:%M} UTC, over "
            f"{factor:g}x its usual gap between posts",
            {"platform": r["platform"], "handle": r["handle"], "actor": r["actor"],
             "latest_post_at": r["latest_post_at"].isoformat(),
             "silent_hours": round(silent_s / 3600, 2),
             "typical_gap_hours": round(typical / 3600, 2), "percentile": percentile,
             "posts": r["posts"], "days": days, "factor": factor}))
    return found


def prefetch(config: Config, db: Database, rule: AlertRule, now: datetime, shared: Shared,
             executor: Executor) -> None:
    """Start the rule's reads ahead on `executor` (each on a pooled connection of its own),
    so that they overlap the rules evaluated before it (monitor.alerts.cycle)."""
    checks = _checks(rule)
    if "blind" in checks:
        shared.start(*_statuses_read(config, db, now), executor)
    if "gaps" in checks:
        shared.start(*_gaps_read(db, now), executor)
    if "silence" in checks:
        shared.start(*_silence_read(db, rule, now), executor)


def evaluate_health(config: Config, db: Database, rule: AlertRule, now: datetime,
                    open_incidents: list[Incident], *,
                    shared: Shared | None = None) -> Evaluation:
    shared = shared or Shared()
    checks = _checks(rule)
    findings: list[Finding] = []
    if "blind" in checks:
        statuses = shared.get(*_statuses_read(config, db, now))
        if _narrowed(rule):
            statuses = [s for s in statuses if _wanted(rule, s.platform, s.handle)]
        findings += _blind(rule, statuses)
    if "gaps" in checks:
        findings += _gaps(db, rule, now, shared)
    if "silence" in checks:
        findings += _silences(db, rule, now, shared)
    current = {f.key for f in findings}
    findings += [Finding(i.incident_key, _subject(i.incident_key) + " recovered",
                         dict(i.detail), state="resolved")
                 for i in open_incidents
                 if i.incident_key not in current and i.incident_key.startswith(RESOLVING)]
    return Evaluation(findings, rule.seen_post_id, now)


def _subject(key: str) -> str:
    """`source:telegram/x` -> `telegram/x`; `platform:telegram` -> `telegram`."""
    return key.partition(":")[2]


def check_health_params(out: JsonObject) -> None:
    """Defaults and bounds of a health rule's parameters (monitor.alerts.rules calls it)."""
    out.setdefault("scope", "source")
    checks = out.setdefault("checks", list(CHECKS))
    if not isinstance(checks, list) or not checks or any(c not in CHECKS for c in checks):
        raise ValueError(f"checks are among {', '.join(CHECKS)}")
    if int(str(out.setdefault("gap_posts", 50))) < 1:
        raise ValueError("gap_posts must be at least 1")
    if float(str(out.setdefault("silence_factor", 3.0))) <= 1:
        raise ValueError("silence_factor must be over 1")
    if not 0.5 <= float(str(out.setdefault("silence_percentile", 0.95))) < 1:
        raise ValueError("silence_percentile must be in [0.5, 1)")
    if int(str(out.setdefault("silence_min_posts", 10))) < 3:
        raise ValueError("silence_min_posts must be at least 3")
    if not 1 <= int(str(out.setdefault("silence_days", 30))) <= 365:
        raise ValueError("silence_days must be in [1, 365]")
