"""Console benchmark (issue 7): p50/p95 server time per page on the 5,000,000-post database.

    .venv/bin/python bench/console.py [--posts 5000000] [--sources 2000] [--days 730]
                                      [--runs 30] [--url postgresql://postgres@127.0.0.1:5432/postgres]
                                      [--reuse DBNAME] [--keep]

Loads the convergence benchmark's data with its own generator (bench/convergence.py `load`),
restores the full-text index that loader skips, adds collector states, a candidate event and
a saved query, then starts `chorus console` (a real uvicorn server, its own process) on
127.0.0.1 and requests every page with httpx, round-robin, after one warm-up each. Server
time is the console's own Server-Timing header; client time includes loopback HTTP.

Baselines measured side by side in the same run:
  /healthz                    the floor: one request with one database round trip
  naive search                the search page's queries with a regex scan of the text
                              instead of the GIN-indexed, normalised tsvector
  uncached source totals      counting every source's posts inside the request, as the
                              watchlist would without its background count
Target: every page p95 <= 300 ms server time. `--reuse` measures an existing benchmark
database (kept with --keep) without loading again.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.convergence import NARRATIVES, START, load  # noqa: E402
from bench.scratch_database import add_scale_arguments, finish, open_database  # noqa: E402
from storage.console import sources as console_sources  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.migrate import migrate  # noqa: E402

BUDGET_MS = 300.0

# The search page's two queries (page of 50 + capped count) with a regex scan instead of
# the tsvector: what an unindexed, unnormalised search would cost.
NAIVE_PAGE = """
SELECT p.id, p.posted_at, p.text, s.handle FROM posts p
JOIN sources s ON s.id = p.source_id LEFT JOIN actors a ON a.id = s.actor_id
WHERE p.normalized_text ~* %(pattern)s ORDER BY p.posted_at DESC, p.id DESC LIMIT 51
"""
NAIVE_COUNT = """
SELECT count(*) FROM (SELECT 1 FROM posts p WHERE p.normalized_text ~* %(pattern)s
                      LIMIT 10001) hit
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def prepare(url: str, args: argparse.Namespace) -> None:
    """Load the convergence benchmark's data, then what only the console needs."""
    load(url, args)
    with psycopg.connect(url, autocommit=True) as conn:
        began = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("CREATE INDEX IF NOT EXISTS posts_search_idx ON posts USING gin (search)")
        print(f"  full-text index rebuilt          {time.perf_counter() - began:8.1f} s")
        last = conn.execute("SELECT max(posted_at) FROM posts").fetchone()
        newest = last[0] if last else datetime.now(UTC)
        # Collector states: most sources fine, some rate-limited or failing (blind).
        conn.execute(
            """INSERT INTO collector_state (source_id, state, last_run_at, last_success_at,
                                            last_error)
               SELECT id, CASE WHEN id % 50 = 0 THEN 'rate_limited'
                               WHEN id % 77 = 0 THEN 'failed' ELSE 'ok' END,
                      now() - interval '10 minutes', now() - (id % 300) * interval '1 minute',
                      CASE WHEN id % 77 = 0 THEN 'connection reset' END
               FROM sources ON CONFLICT DO NOTHING""")
        conn.execute(
            """INSERT INTO events (name, occurred_at, status, description)
               VALUES ('bench candidate burst', %(at)s, 'candidate', 'proposed')
               ON CONFLICT DO NOTHING""", {"at": newest - timedelta(days=1)})
        conn.execute(
            """INSERT INTO saved_queries (name, sql, created_by) VALUES
               ('newest matches', 'SELECT id, handle, posted_at FROM posts WHERE search @@
                 websearch_to_tsquery(''simple'', :q) ORDER BY posted_at DESC LIMIT 100',
                'bench') ON CONFLICT DO NOTHING""")
        conn.execute("ANALYZE")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_console(url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CHORUS_DATABASE_URL": url, "HF_HUB_OFFLINE": "1",
           # An empty secrets file of its own (mkstemp makes it 0600): no credentials needed.
           "CHORUS_SECRETS_FILE": tempfile.mkstemp(suffix=".toml", prefix="chorus-bench-")[1],
           "CHORUS_CONSOLE_ANALYST": "bench"}
    process = subprocess.Popen([sys.executable, "-m", "monitor.cli", "console", "--port",
                                str(port)], cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise SystemExit("the console exited before answering")
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("the console did not answer within 120 s")


def pages(db: Database) -> dict[str, str]:
    """The URLs measured: every page, and search with each kind of filter."""
    with db.connection() as conn:
        newest = conn.execute("SELECT max(posted_at) AS at FROM posts").fetchone()
        last_day = (newest["at"] if newest else datetime.now(UTC)).date()
        events = conn.execute(
            """SELECT id FROM events WHERE status = 'confirmed' AND occurred_at > %(lo)s
               AND occurred_at < %(hi)s ORDER BY id""",
            {"lo": START + timedelta(days=30),
             "hi": datetime.combine(last_day, datetime.min.time(), UTC) - timedelta(days=4)},
        ).fetchall()
        post = conn.execute(
            """SELECT t.post_id FROM tags t TABLESAMPLE SYSTEM (1)
               JOIN post_versions v ON v.post_id = t.post_id LIMIT 1""").fetchone()
        group = conn.execute("SELECT group_key FROM actors LIMIT 1").fetchone()
    week_ago = (last_day - timedelta(days=6)).isoformat()
    return {
        "dashboard": "/",
        "search (no filter)": "/search",
        "search 1 word": "/search?q=w17",
        "search 2 words": "/search?q=w17+w42",
        "search phrase, relevance": "/search?q=%22w17+w42%22+OR+w99&sort=relevance",
        "search narrative": f"/search?narrative={NARRATIVES[0]}",
        "search narrative+group+platform": (
            f"/search?narrative={NARRATIVES[2]}&group={group['group_key'] if group else ''}"
            "&platform=telegram"),
        "search week, lang, oldest": f"/search?since={week_ago}&lang=en&sort=oldest",
        "search labelled": "/search?labelled=yes",
        "search relevance, page 10": "/search?q=w17&sort=relevance&page=10",
        "narrative (30 days)": f"/narratives/{NARRATIVES[0]}",
        "narrative (event lags)": f"/narratives/{NARRATIVES[3]}?event={events[0]['id']}",
        "event report": f"/events/{events[len(events) // 2]['id']}",
        "post": f"/posts/{post['post_id'] if post else 1}",
        "sources (watchlist)": "/sources",
        "sql tab (form)": "/sql",
        "healthz (floor)": "/healthz",
    }


def deep_page(client: httpx.Client, url: str, page: int) -> str:
    """The URL of the n-th page, found by following next-page links as an analyst would."""
    for _ in range(page - 1):
        found = re.search(r'<a href="([^"]+)" rel="next"', client.get(url).text)
        if not found:
            raise SystemExit(f"fewer than {page} pages for {url}")
        url = html.unescape(found.group(1))
    return url


def measure(client: httpx.Client, urls: dict[str, str], runs: int,
            sql_post: Callable[[], httpx.Response]) -> dict[str, dict[str, list[float]]]:
    times: dict[str, dict[str, list[float]]] = {name: {"server": [], "client": []}
                                                for name in [*urls, "sql tab (run query)"]}

    def record(name: str, response: httpx.Response, began: float) -> None:
        if response.status_code != 200:
            raise SystemExit(f"{name}: HTTP {response.status_code}: {response.text[:300]}")
        server = re.search(r"app;dur=([\d.]+)", response.headers.get("server-timing", ""))
        times[name]["server"].append(float(server.group(1)) if server else float("nan"))
        times[name]["client"].append((time.perf_counter() - began) * 1000)

    for url in urls.values():  # warm-up, unrecorded
        client.get(url)
    sql_post()
    for _ in range(runs):
        for name, url in urls.items():
            began = time.perf_counter()
            record(name, client.get(url), began)
        began = time.perf_counter()
        record("sql tab (run query)", sql_post(), began)
    return times


def baselines(db: Database, runs: int) -> dict[str, list[float]]:
    naive, totals = [], []
    with db.connection() as conn:
        for i in range(max(3, runs // 6)):
            began = time.perf_counter()
            pattern = r"\mw17\M"
            conn.execute(NAIVE_PAGE, {"pattern": pattern}).fetchall()
            conn.execute(NAIVE_COUNT, {"pattern": pattern}).fetchone()
            naive.append((time.perf_counter() - began) * 1000)
            if i < 3:
                began = time.perf_counter()
                console_sources.post_totals(conn)
                totals.append((time.perf_counter() - began) * 1000)
    return {"naive search (regex scan)": naive, "uncached source totals": totals}


def report(times: dict[str, dict[str, list[float]]], base: dict[str, list[float]]) -> bool:
    print(f"\n{'page':<36}{'server p50':>12}{'server p95':>12}{'client p50':>12}"
          f"{'client p95':>12}{'p95/budget':>12}")
    ok = True
    for name, t in times.items():
        s50, s95 = statistics.median(t["server"]), percentile(t["server"], 0.95)
        c50, c95 = statistics.median(t["client"]), percentile(t["client"], 0.95)
        ok &= s95 <= BUDGET_MS
        print(f"{name:<36}{s50:10.1f}ms{s95:10.1f}ms{c50:10.1f}ms{c95:10.1f}ms"
              f"{s95 / BUDGET_MS:11.2f}x")
    floor = statistics.median(times["healthz (floor)"]["server"])
    search = statistics.median(times["search 1 word"]["server"])
    sources = statistics.median(times["sources (watchlist)"]["server"])
    naive = statistics.median(base["naive search (regex scan)"])
    totals = statistics.median(base["uncached source totals"])
    print("\nbaselines (same run)")
    print(f"  healthz floor p50                  {floor:9.1f} ms")
    print(f"  naive search queries p50           {naive:9.1f} ms   search page p50 {search:.1f} ms"
          f"   -> {naive / search:6.1f}x faster with the index")
    print(f"  uncached source totals p50         {totals:9.1f} ms   watchlist page p50 "
          f"{sources:.1f} ms   -> counting in the request would add {totals / sources:.1f}x "
          "the page")
    slowest = max(percentile(t["server"], 0.95) for t in times.values())
    print(f"  slowest page p95 {slowest:.1f} ms = {slowest / floor:.1f}x the healthz floor, "
          f"{slowest / BUDGET_MS:.2f}x the {BUDGET_MS:.0f} ms budget")
    print("target: every page p95 <= 300 ms server time:", "MET" if ok else "MISSED")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    add_scale_arguments(parser)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", help="an existing benchmark database to measure")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    name, url = open_database(args.url, args.reuse, "chorus_bench_console")
    db = Database(url)
    process: subprocess.Popen[bytes] | None = None
    try:
        migrate(db)
        if not args.reuse:
            print(f"database {name}: {args.posts:,} posts over {args.days} days, "
                  f"{args.sources:,} sources", flush=True)
            prepare(url, args)
        port = free_port()
        process = start_console(url, port)
        urls = pages(db)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            urls["search word, page 20 (keyset)"] = deep_page(client, "/search?q=w17", 20)
            # The watchlist's all-time counts come from a background count: let it finish.
            deadline = time.monotonic() + 300
            while "counting…" in client.get("/sources").text and time.monotonic() < deadline:
                time.sleep(1)
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sql").text)
            form: dict[str, Any] = {
                "csrf_token": token.group(1) if token else "", "action": "run", "param_q": "w17",
                "sql": "SELECT id, handle, posted_at FROM posts WHERE search @@ "
                       "websearch_to_tsquery('simple', :q) ORDER BY posted_at DESC LIMIT 100"}
            times = measure(client, urls, args.runs, lambda: client.post("/sql", data=form))
        ok = report(times, baselines(db, args.runs))
    finally:
        if process is not None:
            process.terminate()
            process.wait(30)
        db.close()
        finish(args.url, name, keep=args.keep, reused=bool(args.reuse), flag="--reuse")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
