"""The daemon's jobs: small functions of (config, db), and the schedule that runs them.

Every job is idempotent, so a run repeated after a crash, a retry or a leader change does
no harm: collection resumes from checkpoints committed with their page, tagging takes the
posts not tagged yet, the rollup refresh recomputes dirty days, and the digest has one
row per date (monitor/digest/delivery.py).

How the schedule treats a busy 2-core machine (misfire_grace_time: how late a run may
still start; coalesce: missed runs run once; max_instances: never two at once):

| job | trigger | grace | why |
| --- | --- | --- | --- |
| collect:<platform> | every minute (+ jitter) | 2 min | sources have their own intervals |
| tag | every minute | 2 min | new and edited posts; stops between batches |
| converge | every 5 minutes | 5 min | rollups and candidate events |
| recheck | hourly | 30 min | edits/deletions of sources not otherwise run within the hour |
| digest | daily at digest_time (timezone) | 12 h | late is fine, skipped is not |
| housekeeping | every 15 minutes | 15 min | stale runs, pruning, missed-digest catch-up |
| alerts | every alerts_interval_s (60 s) | 2 min | rules on what is new; due deliveries |
| ocr | every ocr_interval_s (300 s) | 5 min | text of images not read yet; stops between images |

With collect_shards set, collect and recheck are not the leader's: every replica collects the
shards it holds (monitor/sharding.py).

The digest is owed for every date since the last one recorded (up to CATCH_UP_DAYS), so a
daemon that was down, or a database that was, sends each missed day once when it is back.
"""

from __future__ import annotations

import asyncio
import functools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from collectors.records import PLATFORMS
from monitor.alerts import run_alerts
from monitor.collecting import SourceRunResult, collect
from monitor.daemon.runner import JobContext, JobFunc, JobSpec
from monitor.digest import build_digest, deliver
from monitor.digest.schedule import due_date, send_time, zone
from monitor.probation import start_probation
from monitor.settings import Config
from storage import collection as collection_sql
from storage import digests as digest_rows
from storage import health as health_sql
from storage import jobs as job_sql
from storage.convergence import report as convergence
from storage.database import Database

KEEP_RUNS = timedelta(days=30)
STALE_RUN = timedelta(hours=6)  # longer than any job runs: its process died
RECHECK_EVERY = timedelta(hours=1)
CATCH_UP_DAYS = 7  # after downtime, digests are owed for at most this many past dates


def _summary(results: list[SourceRunResult]) -> dict[str, Any]:
    states: dict[str, int] = {}
    for r in results:
        states[r.status] = states.get(r.status, 0) + 1
    return {"sources": len(results), "states": states,
            "inserted": sum(r.inserted for r in results),
            "updated": sum(r.updated for r in results),
            "deleted": sum(r.deleted for r in results)}


async def collect_platform(config: Config, db: Database, platform: str) -> dict[str, Any]:
    """Collect the platform's sources that are due (each source has its own interval)."""
    return _summary(await collect(config, db, platform=platform))


async def recheck_sources(config: Config, db: Database, platform: str, now: datetime,
                          shards: collection_sql.ShardSet | None = None) -> dict[str, Any]:
    """Every collection run re-checks its source's recent window for edits and deletions;
    this runs the sources whose own schedule would not reach them within the hour (with
    `shards`, those of the shards this replica holds)."""
    horizon = now + RECHECK_EVERY

    def watched() -> list[str]:
        with db.connection() as conn:
            sources = collection_sql.watchlist(
                conn, platform=platform,
                default_interval_minutes=config.collect_interval_minutes, shards=shards)
        return [s.handle for s in sources
                if s.next_due_at is not None and s.next_due_at > horizon
                and (s.rate_limited_until is None or s.rate_limited_until <= now)]

    results: list[SourceRunResult] = []
    for handle in await asyncio.to_thread(watched):
        results += await collect(config, db, platform=platform, source=handle, shards=shards)
    return _summary(results)


def refresh_convergence(config: Config, db: Database, now: datetime) -> dict[str, Any]:
    """Recompute dirty rollup days; propose candidate events for yesterday and today."""
    with db.connection() as conn:
        days = convergence.refresh_rollups(conn)
        proposals = convergence.propose_candidate_events(
            conn, (now - timedelta(days=1)).date(), now.date())
    return {"days_refreshed": days,
            "candidates": [p.get("name") for p in proposals if p.get("name")]}


def due_dates(config: Config, db: Database, now: datetime) -> list[date]:
    """Digests owed at `now`: the latest due date, every date since the last one recorded
    (after an outage or downtime), and recorded ones not delivered; at most CATCH_UP_DAYS
    back. A database without any digest yet owes only the latest."""
    latest = due_date(config, now)
    oldest = latest - timedelta(days=CATCH_UP_DAYS - 1)
    with db.connection() as conn:
        last = digest_rows.latest_date(conn)
        owed = set(digest_rows.undelivered_since(conn, oldest))
    owed.add(latest)
    if last is not None and last < latest:
        first = max(last + timedelta(days=1), oldest)
        owed.update(first + timedelta(days=i) for i in range((latest - first).days + 1))
    return sorted(d for d in owed if d <= latest)


def send_due_digests(config: Config, db: Database, now: datetime) -> dict[str, Any]:
    """Deliver every owed digest, oldest first, each exactly once (cheap when done)."""
    delivered: dict[str, str] = {}
    for day in due_dates(config, db, now):
        result = deliver(config, db, day, functools.partial(build_digest, config, db, day,
                                                              now=now))
        delivered[day.isoformat()] = result.status
    return delivered


def housekeeping(config: Config, db: Database, now: datetime) -> dict[str, Any]:
    """Close runs a dead process left open, forget old runs and leaderships, catch up a
    missed digest, put strong candidates on probation (when discovery_probation_days is set)."""
    with db.connection() as conn:
        abandoned = job_sql.abandon_stale_runs(conn, now - STALE_RUN)
        pruned = job_sql.prune_runs(conn, now - KEEP_RUNS)
        job_sql.prune_terms(conn, now - KEEP_RUNS)
    return {"abandoned_runs": abandoned, "pruned_runs": pruned,
            "digests": send_due_digests(config, db, now),
            "probation": start_probation(db, now, days=config.discovery_probation_days,
                                         min_refs=config.discovery_probation_min_refs)}


def collect_job(platform: str) -> JobFunc:
    async def run(ctx: JobContext) -> dict[str, Any]:
        return await collect_platform(ctx.config, ctx.db, platform)
    return run


async def recheck_job(ctx: JobContext) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for platform in PLATFORMS:
        if ctx.stop.is_set():
            break
        out[platform] = await recheck_sources(ctx.config, ctx.db, platform, ctx.now())
    return out


def tag_job() -> JobFunc:
    """Tag what is new (monitor.classifying.tag_pending_posts, the path of `chorus
    classify`), stopping between batches when the daemon stops. The model is loaded on the
    first run that finds work, not before: an idle daemon does not hold it in memory."""
    loaded = False

    async def run(ctx: JobContext) -> dict[str, Any]:
        nonlocal loaded
        if not loaded and not await asyncio.to_thread(_anything_to_tag, ctx.db):
            return {"posts": 0}
        from monitor.classifying import tag_pending_posts  # heavy: torch, the model

        counts = await asyncio.to_thread(tag_pending_posts, ctx.config, ctx.db, stop=ctx.stop)
        loaded = True
        return {"posts": counts.posts, "tags": counts.tags, "stopped": counts.stopped}
    return run


def _anything_to_tag(db: Database) -> bool:
    with db.connection() as conn:
        return health_sql.anything_to_tag(conn)


async def converge_job(ctx: JobContext) -> dict[str, Any]:
    return await asyncio.to_thread(refresh_convergence, ctx.config, ctx.db, ctx.now())


async def digest_job(ctx: JobContext) -> dict[str, Any]:
    return await asyncio.to_thread(send_due_digests, ctx.config, ctx.db, ctx.now())


async def alerts_job(ctx: JobContext) -> dict[str, Any]:
    """Evaluate the alert rules on what is new and send what is due (monitor/alerts/)."""
    return await asyncio.to_thread(run_alerts, ctx.config, ctx.db, ctx.now())


async def ocr_job(ctx: JobContext) -> dict[str, Any]:
    """Read the images kept since the last run (monitor/media/ocr_job.py)."""
    from monitor.media.ocr_job import read_pending_images

    counts = await asyncio.to_thread(read_pending_images, ctx.config, ctx.db, stop=ctx.stop)
    return counts.as_dict()


async def housekeeping_job(ctx: JobContext) -> dict[str, Any]:
    return await asyncio.to_thread(housekeeping, ctx.config, ctx.db, ctx.now())


def default_jobs(config: Config) -> list[JobSpec]:
    """The production schedule (the table in this module's docstring). With collect_shards,
    collection and its re-check are every replica's (monitor/sharding.py), not the leader's."""
    tz = zone(config)
    at = send_time(config)
    jitter = max(0, config.collect_jitter_s)
    sharded = config.collect_shards > 0
    specs = [] if sharded else [
        JobSpec(f"collect:{platform}", collect_job(platform),
                IntervalTrigger(minutes=1, jitter=jitter, timezone=UTC), misfire_grace_time=120)
        for platform in PLATFORMS
    ]
    specs += [
        JobSpec("tag", tag_job(), IntervalTrigger(minutes=1, timezone=UTC),
                misfire_grace_time=120),
        JobSpec("converge", converge_job, IntervalTrigger(minutes=5, timezone=UTC),
                misfire_grace_time=300),
    ]
    if not sharded:
        specs.append(JobSpec("recheck", recheck_job,
                             IntervalTrigger(seconds=int(RECHECK_EVERY.total_seconds()),
                                             timezone=UTC),
                             misfire_grace_time=1800))
    specs += [
        JobSpec("digest", digest_job, CronTrigger(hour=at.hour, minute=at.minute, timezone=tz),
                misfire_grace_time=12 * 3600),
        JobSpec("housekeeping", housekeeping_job, IntervalTrigger(minutes=15, timezone=UTC),
                misfire_grace_time=900),
        JobSpec("alerts", alerts_job,
                IntervalTrigger(seconds=max(10, config.alerts_interval_s), timezone=UTC),
                misfire_grace_time=120),
        JobSpec("ocr", ocr_job,
                IntervalTrigger(seconds=max(10, config.ocr_interval_s), timezone=UTC),
                misfire_grace_time=300),
    ]
    return specs
