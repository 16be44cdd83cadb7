"""Collection health: quiet versus blind per source, the daemon's state, Prometheus metrics.

A source is *blind* when Chorus cannot see what it posts: rate-limited, the X read cap
reached, failing, logged out, never collected, or without a successful collection for
`blind_after_minutes`. It is *quiet* when collection works and it simply posted nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from monitor.settings import Config
from storage import completeness
from storage import digests as digest_rows
from storage import health as health_sql
from storage import jobs as job_sql
from storage.alerts import store as alert_rows
from storage.database import Database, DatabaseUnavailable
from storage.health import SourceRow

BLIND_STATES = ("rate_limited", "cap_reached", "failed", "logged_out")
CHECK_TIMEOUT_S = 2.0
COMPLETENESS_DAYS = 7  # days `chorus status` and the sources page sum possible gaps over


@dataclass(frozen=True)
class SourceStatus:
    platform: str
    handle: str
    actor: str | None
    group: str | None
    role: str
    state: str
    condition: str  # ok | quiet | blind
    reason: str  # "" when not blind; else a BLIND_STATES value, "never" or "stale"
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    rate_limited_until: datetime | None
    lag_seconds: float | None  # since the last success
    posts_in_period: int
    ok_runs: int
    failed_runs: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def classify(row: SourceRow, now: datetime, blind_after: timedelta) -> tuple[str, str]:
    """(condition, reason) for one source row from storage.health.source_rows."""
    state = row["state"]
    if state in BLIND_STATES:
        return "blind", state
    last_success = row["last_success_at"]
    if state == "never" or last_success is None:
        return "blind", "never"
    if now - last_success > blind_after:
        return "blind", "stale"
    bad = row["last_bad_status"]
    if row["ok_runs"] == 0 and bad in BLIND_STATES:
        return "blind", str(bad)  # blind all period, recovered only now
    return ("ok", "") if row["posts_in_period"] else ("quiet", "")


def source_statuses(config: Config, db: Database, since: datetime, until: datetime,
                    now: datetime, *, with_posts: bool = True) -> list[SourceStatus]:
    """Every watched source's condition; without `with_posts` its posts are not counted, so
    a source that collects well reads "quiet" rather than "ok" (blindness is the same)."""
    blind_after = timedelta(minutes=config.blind_after_minutes)
    with db.connection() as conn:
        rows = health_sql.source_rows(conn, since, until, with_posts=with_posts)
    out = []
    for row in rows:
        condition, reason = classify(row, now, blind_after)
        last_success = row["last_success_at"]
        out.append(SourceStatus(
            platform=row["platform"], handle=row["handle"], actor=row["actor"],
            group=row["group"], role=row["role"], state=row["state"], condition=condition,
            reason=reason, last_success_at=last_success, last_error_at=row["last_error_at"],
            last_error=row["last_error"] or row["last_bad_error"],
            rate_limited_until=row["rate_limited_until"],
            lag_seconds=None if last_success is None else (now - last_success).total_seconds(),
            posts_in_period=row["posts_in_period"], ok_runs=row["ok_runs"],
            failed_runs=row["bad_runs"],
        ))
    return out


def status_report(config: Config, db: Database) -> dict[str, Any]:
    """Everything `chorus status` shows: sources, jobs, tagging lag, leader, digests."""
    with db.connection() as conn:
        now = health_sql.server_now(conn)
        leader = job_sql.lock_holder(conn, job_sql.LEADER_LOCK_KEY)
        jobs = job_sql.last_runs(conn)
        backlog = health_sql.tagging_backlog(conn)
        recent_digests = digest_rows.recent(conn)
        alert_deliveries = alert_rows.delivery_counts(conn)
        gaps = completeness.days(conn, (now - timedelta(days=COMPLETENESS_DAYS - 1)).date(),
                                 now.date())
    sources = source_statuses(config, db, now - timedelta(hours=24), now, now)
    missing: dict[tuple[str, str], int] = {}
    for day in gaps:
        key = (day["platform"], day["handle"])
        missing[key] = missing.get(key, 0) + completeness.unseen(day)
    oldest = backlog["oldest_seen_at"]
    return {
        "now": now,
        "leader": None if leader is None else {
            "name": leader["application_name"], "address": leader["client_addr"],
            # When it began to lead; its connection's start only if the term is not recorded.
            "since": leader["leading_since"] or leader["backend_start"]},
        "sources": [{**s.as_dict(), "possible_missing": missing.get((s.platform, s.handle), 0)}
                    for s in sources],
        # Per source and day: Telegram id gaps (possible missing posts, re-fetched ones) and
        # X counts reported beside stored, over the last COMPLETENESS_DAYS days.
        "completeness": gaps,
        "blind": sum(s.condition == "blind" for s in sources),
        "quiet": sum(s.condition == "quiet" for s in sources),
        "tagging": {"pending": backlog["pending"],
                    "lag_seconds": 0.0 if oldest is None else (now - oldest).total_seconds()},
        "jobs": jobs,
        "digests": recent_digests,
        "alerts": alert_deliveries,
    }


def healthz_payload(db: Database) -> tuple[int, dict[str, Any]]:
    """For the console's /healthz: 200 when the database answers, else 503."""
    try:
        db.check(timeout=CHECK_TIMEOUT_S)  # a direct connection: answers fast when down
        with db.connection() as conn:
            leader = job_sql.lock_holder(conn, job_sql.LEADER_LOCK_KEY)
    except DatabaseUnavailable:
        return 503, {"status": "unavailable", "database": False}
    return 200, {"status": "ok", "database": True, "daemon_leader": leader is not None}


class ChorusCollector:
    """Prometheus collector that reads the figures from the database at scrape time, so
    every daemon replica and the console report the same numbers."""

    def __init__(self, config: Config, db: Database) -> None:
        self._config = config
        self._db = db

    def describe(self) -> list[Metric]:
        return []  # figures are read at scrape time; nothing to pre-register

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("chorus_database_up", "Whether the database answered the scrape.")
        try:
            self._db.check(timeout=CHECK_TIMEOUT_S)  # fail fast rather than wait for the pool
            yield from self._figures()
        except DatabaseUnavailable:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up

    def _figures(self) -> Iterator[Metric]:
        with self._db.connection() as conn:
            now = health_sql.server_now(conn)
            collected = health_sql.collected_by_platform(conn)
            stored = health_sql.posts_by_platform(conn)
            backlog = health_sql.tagging_backlog(conn)
            failures = job_sql.failure_counts(conn)
        sources = source_statuses(self._config, self._db, now - timedelta(hours=24), now, now)
        posts = CounterMetricFamily("chorus_posts_collected", "Posts inserted by collection runs.",
                                    labels=["platform"])
        for platform, n in sorted(collected.items()):
            posts.add_metric([platform], n)
        yield posts
        total = GaugeMetricFamily("chorus_posts_stored", "Posts stored (collected or imported).",
                                  labels=["platform"])
        for platform, n in sorted(stored.items()):
            total.add_metric([platform], n)
        yield total
        oldest = backlog["oldest_seen_at"]
        yield GaugeMetricFamily(
            "chorus_tagging_lag_seconds", "Age of the oldest post not yet tagged (0: none).",
            value=0.0 if oldest is None else (now - oldest).total_seconds())
        yield GaugeMetricFamily("chorus_tagging_pending_posts", "Posts not yet tagged.",
                                value=backlog["pending"])
        failed = CounterMetricFamily("chorus_job_failures", "Failed daemon job runs (kept history).",
                                     labels=["job"])
        for job, n in sorted(failures.items()):
            failed.add_metric([job], n)
        yield failed
        blind = GaugeMetricFamily("chorus_blind_sources", "Watched sources that are blind now.",
                                  labels=["reason"])
        reasons: dict[str, int] = {}
        for s in sources:
            if s.condition == "blind":
                reasons[s.reason] = reasons.get(s.reason, 0) + 1
        for reason in (*BLIND_STATES, "never", "stale"):
            blind.add_metric([reason], reasons.get(reason, 0))
        yield blind


def metrics_registry(config: Config, db: Database) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ChorusCollector(config, db))
    return registry


def metrics_payload(registry: CollectorRegistry) -> tuple[bytes, str]:
    """Body and content type for a /metrics response."""
    return generate_latest(registry), CONTENT_TYPE_LATEST
