"""Alerts benchmark (issue 15): one minute's rule evaluation, and commit-to-webhook latency.

    .venv/bin/python bench/alerts.py [--database NAME | --reuse NAME] [--posts 5000000]
                                     [--sources 2000] [--days 730] [--rounds 20] [--rules 50]
                                     [--batch 1000] [--latency-samples 3] [--keep]
                                     [--url postgresql://postgres@127.0.0.1:5432/postgres]

Without --database it builds a benchmark database with the console benchmark's loader
(bench/console.py `prepare`: the convergence data plus the full-text index); --database (or
--reuse) measures an existing one, e.g. the 5,000,000-post database kept by
`bench/console.py --keep`, after migrating it. What the benchmark adds there (50 rules, an
event, `rounds x batch` posts with their tags, the latency posts) is deleted at the end.

Per round ("a minute"): `batch` new posts from actor sources are written through the
storage path (storage.posts.write_posts), 35 % of them tagged (storage.tagging.write_tags),
then the same 50 rules (20 saved searches, 15 convergence, 10 pre-positioning, 5 health)
are evaluated two ways, side by side:
  incremental   monitor.alerts.cycle.evaluate_rules: only what is new since each rule's
                watermark (the daemon's way)
  full 72 h     the same rules by full queries over the last 72 h: every post of 72 h each
                search finds, every (event, narrative) pair that adoptions posted in 72 h
                touch, every adoption posted in 72 h for pre-positioning; health as is
Targets: incremental p95 <= 200 ms, and full p95 / incremental p95 >= 20.

Latency: the real daemon (monitor.daemon.Daemon) runs its alerts job alone at the default
schedule (every alerts_interval_s = 60 s, with the 10 s settling delay); a post matching a
saved search is committed at a random moment and its signed webhook is awaited on a real
HTTP server on loopback. Target: commit to webhook <= 90 s, every sample.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.console import percentile, prepare  # noqa: E402
from bench.convergence import NARRATIVES, VOCABULARY  # noqa: E402
from bench.scratch_database import add_scale_arguments, finish, open_database  # noqa: E402
from collectors.records import PostRecord  # noqa: E402
from monitor.alerts import evaluate, health_rule, watch_rule  # noqa: E402
from monitor.alerts.cycle import evaluate_rules  # noqa: E402
from monitor.alerts.manage import create_rule  # noqa: E402
from monitor.daemon.jobs import default_jobs  # noqa: E402
from monitor.daemon.main import Daemon  # noqa: E402
from monitor.settings import Config, load_config  # noqa: E402
from storage.alerts import queries as q  # noqa: E402
from storage.alerts import store as rows  # noqa: E402
from storage.alerts.store import AlertRule  # noqa: E402
from storage.console.search import SearchFilters  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.migrate import migrate  # noqa: E402
from storage.posts import write_posts  # noqa: E402
from storage.rows import JsonObject  # noqa: E402
from storage.tagging import PostTags, TagRow, write_tags  # noqa: E402

BUDGET_MS = 200.0
RATIO = 20.0
LATENCY_S = 90.0
PREFIX = "bench-alerts"  # rule names and native ids the benchmark adds, deleted at the end
LATENCY_WORD = "zzlatencyprobe"
NOWHERE: list[JsonObject] = [{"type": "webhook", "name": "bench",
                              "url": "http://127.0.0.1:9/never-sent"}]


def bench_config(url: str, secrets: Path, **extra: str) -> Config:
    return load_config({"CHORUS_DATABASE_URL": url, "CHORUS_SECRETS_FILE": str(secrets),
                        "CHORUS_WEBHOOK_SECRET_BENCH": "bench-signing-key", **extra})


def actor_sources(db: Database) -> list[tuple[str, str]]:
    with db.connection() as conn:
        found = conn.execute("""SELECT platform, handle FROM sources
                                WHERE role = 'actor' AND actor_id IS NOT NULL
                                ORDER BY id LIMIT 400""").fetchall()
    return [(str(r["platform"]), str(r["handle"])) for r in found]


def add_rules(db: Database, count: int, event_at: datetime) -> None:
    """20 searches, 15 convergence, 10 pre-positioning, 5 health per 50 (in proportion)."""
    with db.connection() as conn:
        conn.execute("""INSERT INTO events (name, occurred_at, status, description)
                        VALUES (%(name)s, %(at)s, 'confirmed', 'bench event')""",
                     {"name": f"{PREFIX} event", "at": event_at})
    for i in range(count):
        share = i % 10
        name = f"{PREFIX}-{i:02d}"
        narrative = NARRATIVES[i % len(NARRATIVES)]
        if share < 4:
            params: dict[str, Any] = {"query": f"w{1 + (i * 37) % VOCABULARY}"}
            if i % 3 == 1:
                params["platform"] = "telegram"
            kind = "search"
        elif share < 7:
            kind, params = "convergence", {"narrative": narrative, "k": 3, "groups": 2,
                                           "window_hours": 72 if i % 2 else 24}
        elif share < 9:
            kind, params = "prepositioning", {"narrative": narrative, "k": 3}
        else:
            kind, params = "health", {"checks": "blind,gaps,silence"}
        create_rule(db, name, kind, params, NOWHERE)


def write_batch(db: Database, sources: list[tuple[str, str]], round_no: int, size: int,
                at: datetime, rng: random.Random) -> None:
    """`size` new posts at `at` (minus up to a minute), 35 % tagged, all marked tagged."""
    records = [PostRecord(
        platform=platform, source=handle,  # type: ignore[arg-type]
        native_id=f"{PREFIX}-{round_no}-{i}",
        posted_at=at - timedelta(seconds=rng.uniform(0, 60)),
        text=" ".join(f"w{rng.randint(1, VOCABULARY)}" for _ in range(12)))
        for i, (platform, handle) in enumerate(rng.choice(sources) for _ in range(size))]
    with db.connection() as conn:
        before = conn.execute("SELECT coalesce(max(id), 0) AS id FROM posts").fetchone()
        write_posts(conn, records)
        # A primary-key range, not a scan of every native id.
        ids = conn.execute("SELECT id FROM posts WHERE id > %(before)s AND native_id LIKE %(p)s",
                           {"before": before["id"] if before else 0,
                            "p": f"{PREFIX}-{round_no}-%"}).fetchall()
        batch = [PostTags(int(r["id"]), (TagRow(rng.choice(NARRATIVES), 0.9, "bench", {}),)
                          if rng.random() < 0.35 else ()) for r in ids]
        write_tags(conn, "bench-alerts-1", batch)


def full_evaluation(config: Config, db: Database, rules: list[AlertRule],
                    now: datetime) -> None:
    """The same rules by full queries over the last 72 h (nothing recorded)."""
    recent = (now - timedelta(hours=72), now)
    for rule in rules:
        with db.connection() as conn:
            upto = q.server_now(conn)
            p = rule.params
            if rule.kind == "search":
                q.search_recent(conn, SearchFilters(
                    query=str(p.get("query", "")), platform=str(p["platform"])
                    if p.get("platform") else None), *recent)
            elif rule.kind == "convergence":
                evaluate.evaluate_convergence(conn, replace(rule, seen_until=upto), upto, [],
                                              recent=recent)
            elif rule.kind == "prepositioning":
                watch_rule.evaluate_watch(conn, replace(rule, seen_until=upto), upto, now, [],
                                          recent=recent)
        if rule.kind == "health":
            health_rule.evaluate_health(config, db, rule, now, [])


def timed(action: Callable[[], Any]) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000


def measure_evaluation(config: Config, db: Database, args: argparse.Namespace
                       ) -> tuple[list[float], list[float]]:
    rng = random.Random(15)
    sources = actor_sources(db)
    with db.connection() as conn:
        newest = conn.execute("SELECT max(posted_at) AS t FROM posts").fetchone()
    start = (newest["t"] if newest and newest["t"] else datetime.now(UTC)) + timedelta(hours=1)
    add_rules(db, args.rules, start - timedelta(hours=6))
    with db.connection() as conn:
        rules = [r for r in rows.rules(conn) if r.name.startswith(PREFIX)]
    incremental: list[float] = []
    full: list[float] = []
    for r in range(args.rounds):
        now = start + timedelta(minutes=r)
        write_batch(db, sources, r, args.batch, now, rng)
        incremental.append(timed(lambda now=now: evaluate_rules(  # type: ignore[misc]
            config, db, now, settle=timedelta(0))))
        full.append(timed(lambda now=now: full_evaluation(  # type: ignore[misc]
            config, db, rules, now)))
        print(f"  round {r + 1:2d}: incremental {incremental[-1]:8.1f} ms   "
              f"full 72 h {full[-1]:9.1f} ms", flush=True)
    return incremental, full


class _Arrivals:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.lock = threading.Condition()

    def wait_for(self, word: str, timeout: float) -> float | None:
        with self.lock:
            self.lock.wait_for(lambda: word in self.times, timeout)
            return self.times.get(word)


@contextlib.contextmanager
def receiver() -> Iterator[tuple[str, _Arrivals]]:
    """A webhook receiver on loopback: the wall time each rule's first delivery arrives."""
    seen = _Arrivals()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrived = time.time()
            text = body.decode("utf-8", "replace")
            with seen.lock:
                for word in (w for w in text.replace('"', " ").split() if
                             w.startswith(LATENCY_WORD)):
                    seen.times.setdefault(word, arrived)
                seen.lock.notify_all()
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", seen
    finally:
        server.shutdown()
        server.server_close()


def measure_latency(config: Config, db: Database, samples: int) -> list[float]:
    """Seconds from a matching post's commit to its webhook, the daemon at its default
    schedule (alerts job only)."""
    sources = actor_sources(db)
    platform, handle = sources[0]
    with receiver() as (url, seen):
        create_rule(db, f"{PREFIX}-latency", "search", {"query": LATENCY_WORD},
                    [{"type": "webhook", "name": "bench", "url": url}])
        jobs = [j for j in default_jobs(config) if j.id == "alerts"]
        daemon = Daemon(config, db, jobs, name="bench-alerts-daemon")
        rng = random.Random(90)
        took: list[float] = []

        async def probe() -> None:
            await asyncio.sleep(5)  # leadership first
            for i in range(samples):
                await asyncio.sleep(rng.uniform(0, 60))
                word = f"{LATENCY_WORD}{i}"
                record = PostRecord(platform=platform, source=handle,  # type: ignore[arg-type]
                                    native_id=f"{PREFIX}-latency-{i}",
                                    posted_at=datetime.now(UTC),
                                    text=f"{word} {LATENCY_WORD} statement")

                def commit(record: PostRecord = record) -> float:
                    with db.connection() as conn:
                        write_posts(conn, [record])
                    return time.time()  # the transaction has committed here
                committed = await asyncio.to_thread(commit)
                arrived = await asyncio.to_thread(seen.wait_for, word, 180.0)
                took.append(arrived - committed if arrived else float("inf"))
                print(f"  sample {i + 1}: commit to webhook {took[-1]:6.1f} s", flush=True)
            daemon.request_stop()

        async def both() -> None:
            await asyncio.gather(daemon.run(), probe())

        asyncio.run(both())
    return took


def cleanup(db: Database) -> None:
    with db.connection() as conn:
        conn.execute("DELETE FROM alert_rules WHERE name LIKE %(p)s", {"p": f"{PREFIX}-%"})
        conn.execute("DELETE FROM events WHERE name = %(n)s", {"n": f"{PREFIX} event"})
        conn.execute("DELETE FROM posts WHERE native_id LIKE %(p)s", {"p": f"{PREFIX}-%"})


def report(incremental: list[float], full: list[float], latency: list[float]) -> bool:
    inc95, full95 = percentile(incremental, 0.95), percentile(full, 0.95)
    ratio = full95 / max(inc95, 1e-9)
    print(f"rule evaluation per minute ({len(incremental)} rounds):")
    print(f"  incremental   p50 {statistics.median(incremental):8.1f} ms   p95 {inc95:8.1f} ms")
    print(f"  full 72 h     p50 {statistics.median(full):8.1f} ms   p95 {full95:8.1f} ms")
    print(f"  full / incremental at p95: {ratio:.1f}x; incremental p95 is "
          f"{inc95 / BUDGET_MS:.2f}x the {BUDGET_MS:.0f} ms budget")
    ok = inc95 <= BUDGET_MS and ratio >= RATIO
    if latency:
        print(f"commit to webhook: {', '.join(f'{t:.1f}' for t in latency)} s "
              f"(max {max(latency):.1f} s, target {LATENCY_S:.0f} s)")
        ok = ok and max(latency) <= LATENCY_S
    print(f"load average {', '.join(f'{v:.2f}' for v in os.getloadavg())} on "
          f"{os.cpu_count()} cores")
    print("targets: p95 <= 200 ms, >= 20x under full 72 h queries, webhook <= 90 s:",
          "MET" if ok else "MISSED")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    add_scale_arguments(parser)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--latency-samples", type=int, default=3)
    parser.add_argument("--database", "--reuse", dest="database",
                        help="an existing benchmark database to measure (migrated first)")
    parser.add_argument("--keep", action="store_true", help="keep a database built here")
    args = parser.parse_args()
    name, url = open_database(args.url, args.database, "chorus_bench_alerts")
    db = Database(url)
    ok = False
    with tempfile.TemporaryDirectory() as tmp:
        secrets = Path(tmp) / "secrets.toml"
        secrets.write_text("", encoding="utf-8")
        secrets.chmod(0o600)
        config = bench_config(url, secrets)
        try:
            migrate(db)
            if not args.database:
                print(f"database {name}: {args.posts:,} posts over {args.days} days, "
                      f"{args.sources:,} sources", flush=True)
                prepare(url, args)
            cleanup(db)  # a run stopped half way left its rows
            with db.connection() as conn:
                total = conn.execute("SELECT count(*) AS n FROM posts").fetchone()
            print(f"database {name}: {total['n'] if total else 0:,} posts; {args.rules} rules, "
                  f"{args.batch} new posts a round", flush=True)
            incremental, full = measure_evaluation(config, db, args)
            cleanup(db)  # the latency run's daemon sends only its own rule's alerts
            latency = (measure_latency(config, db, args.latency_samples)
                       if args.latency_samples else [])
            ok = report(incremental, full, latency)
        finally:
            cleanup(db)
            db.close()
            finish(args.url, name, keep=args.keep, reused=bool(args.database), flag="--database")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
