"""Daemon, digest and health benchmark (issue 6): the single-node figures in deploy/SCALING.md.

    .venv/bin/python bench/daemon.py [--posts 200000] [--days 60] [--sources 300]
                                     [--url postgresql://postgres@127.0.0.1:5432/postgres]

Creates its own database, loads posts through the real write path with analyst labels on a
share of them (so the convergence tables fill through their real triggers), then measures
side by side in the same run, each against a baseline:

  digest build (all sections + chart)   vs  period_report alone (its main query)
  digest render + MIME message          (absolute)
  `chorus status` report                vs  SELECT count(*) FROM posts
  Prometheus scrape (all figures)       vs  the same count
  job runner, per run (job_runs rows)   vs  awaiting the job function directly
  leader failover (session killed)      vs  the follower's retry interval

The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import conninfo, sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from collectors.records import PostRecord  # noqa: E402
from monitor.daemon.leader import Leadership  # noqa: E402
from monitor.daemon.runner import JobContext, JobRunner, JobSpec  # noqa: E402
from monitor.digest import build_digest  # noqa: E402
from monitor.digest.mime import build_message  # noqa: E402
from monitor.digest.schedule import period  # noqa: E402
from monitor.health import metrics_payload, metrics_registry, status_report  # noqa: E402
from monitor.seeding import sync_seeds  # noqa: E402
from monitor.settings import Config, load_config  # noqa: E402
from storage import catalog  # noqa: E402
from storage.convergence import report as convergence  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.migrate import migrate  # noqa: E402
from storage.posts import write_posts  # noqa: E402

GROUPS = ("iran_official", "iraqi_militia", "militia_media", "iraqi_government", "sadrist",
          "lebanese_hezbollah")
NARRATIVES = ("false_flag", "staged_incident", "sedition", "third_party", "us_culpability",
              "un_interference", "election_fraud", "anti_turkish_presence", "gulf_aggression")
# A realistic spread of texts: a large vocabulary, plus a few shared talking points, so that
# near-duplicate detection sees the occasional copy rather than every post alike.
VOCABULARY = [f"w{i}" for i in range(5000)]
TALKING_POINTS = ("the attack on the residence is a plot by foreign hands",
                  "this is a project of sedition among iraqis",
                  "the american embassy stands behind the instability")
BUSY_DAY = date(2021, 11, 7)


def timed(fn: Callable[[], Any], runs: int) -> float:
    """Median seconds of `runs` calls (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def text(rng: random.Random) -> str:
    words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(8, 40)))
    return f"{rng.choice(TALKING_POINTS)} {words}" if rng.random() < 0.05 else words


def load(db: Database, posts: int, days: int, sources: int) -> None:
    sync_seeds(db)
    rng = random.Random(6)
    with db.connection() as conn:
        for i in range(sources):
            actor = f"Bench actor {i}"
            catalog.upsert_actor(conn, catalog.ActorSpec(actor, GROUPS[i % len(GROUPS)]))
            catalog.upsert_source(conn, catalog.SourceSpec(
                platform="telegram" if i % 3 else "twitter", handle=f"bench{i}",
                role="actor", actor=actor))
    end = datetime(2021, 11, 30, tzinfo=UTC)
    start = end - timedelta(days=days)
    span = (end - start).total_seconds()
    batch: list[PostRecord] = []
    for n in range(posts):
        i = rng.randrange(sources)
        labels = [rng.choice(NARRATIVES)] if rng.random() < 0.1 else []
        batch.append(PostRecord(
            platform="telegram" if i % 3 else "twitter", source=f"bench{i}", native_id=str(n),
            posted_at=start + timedelta(seconds=rng.random() * span), lang="en",
            text=text(rng), labels=labels))
        if len(batch) == 5000:
            with db.connection() as conn:
                write_posts(conn, batch)
            batch.clear()
    if batch:
        with db.connection() as conn:
            write_posts(conn, batch)
    with db.connection() as conn:
        convergence.refresh_rollups(conn)


def bench_runner(config: Config, db: Database, runs: int) -> tuple[float, float]:
    async def noop(ctx: JobContext) -> dict[str, Any]:
        return {}

    async def main() -> tuple[float, float]:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        from collectors.retry import RetryPolicy

        scheduler = AsyncIOScheduler(timezone=UTC)
        context = JobContext(config, db)
        runner = JobRunner(context, scheduler, [JobSpec("noop", noop, IntervalTrigger(hours=1),
                                                        60)], RetryPolicy())
        start = time.perf_counter()
        for _ in range(runs):
            await noop(context)
        bare = (time.perf_counter() - start) / runs
        start = time.perf_counter()
        for _ in range(runs):
            await runner.run("noop")
        return (time.perf_counter() - start) / runs, bare

    return asyncio.run(main())


def bench_failover(db: Database, retry_s: float, rounds: int) -> float:
    async def once() -> float:
        first = Leadership(db, retry_s=retry_s, check_s=retry_s, name="bench-a")
        second = Leadership(db, retry_s=retry_s, check_s=retry_s, name="bench-b")
        assert await first.acquire(asyncio.Event())
        waiting = asyncio.create_task(second.acquire(asyncio.Event()))
        await asyncio.sleep(retry_s * 1.5)
        with psycopg.connect(db.url, autocommit=True) as admin:
            killed = time.perf_counter()
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'bench-a'")
        await waiting
        took = time.perf_counter() - killed
        await first.release()
        await second.release()
        return took

    return statistics.median(asyncio.run(once()) for _ in range(rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    name = f"chorus_bench_daemon_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    db = Database(conninfo.make_conninfo(args.url, dbname=name))
    try:
        migrate(db)
        start = time.perf_counter()
        load(db, args.posts, args.days, args.sources)
        print(f"loaded {args.posts:,} posts from {args.sources} sources over {args.days} days "
              f"through the write path in {time.perf_counter() - start:.1f} s")
        config = load_config({"CHORUS_SECRETS_FILE": tempfile.mkstemp(suffix=".toml")[1],
                              "CHORUS_TIMEZONE": "UTC"})
        since, until = period(config, BUSY_DAY)

        def report() -> None:
            with db.connection() as conn:
                convergence.period_report(conn, since, until)

        digest_s = timed(lambda: build_digest(config, db, BUSY_DAY), args.runs)
        report_s = timed(report, args.runs)
        digest = build_digest(config, db, BUSY_DAY)
        mime_s = timed(lambda: build_message(digest, sender="chorus@bench.example",
                                             recipients=["a@bench.example"],
                                             message_id="<bench@chorus>").as_bytes(), args.runs)

        def count() -> None:
            with db.connection() as conn:
                conn.execute("SELECT count(*) FROM posts").fetchone()

        count_s = timed(count, args.runs)
        status_s = timed(lambda: status_report(config, db), args.runs)
        scrape_s = timed(lambda: metrics_payload(metrics_registry(config, db)), args.runs)
        runner_s, bare_s = bench_runner(config, db, 200)
        failover_s = bench_failover(db, 1.0, 3)
        print(f"digest build            {digest_s * 1000:8.0f} ms  "
              f"period_report alone {report_s * 1000:6.0f} ms  ratio {digest_s / report_s:5.2f}x")
        print(f"digest render + MIME    {mime_s * 1000:8.0f} ms  "
              f"({len(digest.converging)} converging narratives, "
              f"{len(digest.charts[0].png) / 1024:.0f} KiB chart)")
        print(f"status report           {status_s * 1000:8.0f} ms  "
              f"count(*) posts {count_s * 1000:6.0f} ms  ratio {status_s / count_s:5.2f}x")
        print(f"metrics scrape          {scrape_s * 1000:8.0f} ms  "
              f"count(*) posts {count_s * 1000:6.0f} ms  ratio {scrape_s / count_s:5.2f}x")
        print(f"job runner per run      {runner_s * 1000:8.2f} ms  "
              f"bare await {bare_s * 1e6:6.1f} us  overhead {runner_s / max(bare_s, 1e-9):,.0f}x")
        print(f"leader failover         {failover_s * 1000:8.0f} ms  "
              f"retry interval 1000 ms  ratio {failover_s:5.2f}x")
    finally:
        db.close()
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
