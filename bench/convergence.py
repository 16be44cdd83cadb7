"""Convergence benchmark (issue 5): rollup-backed measures against plain GROUP BY queries.

    .venv/bin/python bench/convergence.py [--posts 5000000] [--sources 2000] [--days 730]
                                          [--url postgresql://postgres@127.0.0.1:5432/postgres]
                                          [--runs 40] [--keep]

Creates its own database on the server, loads synthetic data with generate_series (posts
over `days` days from `sources` sources, tags over the 9 narratives, analyst labels, events),
then measures side by side in the same run:

  event report (all narratives)   storage.convergence.event_report     p50 / p95
                                  (with two spare pooled connections as helpers, as the CLI
                                  and console call it; and alone on one connection)
  the same whole report           plain GROUP BY over posts/tags/labels p50 / p95
                                  (adoption measures, exact copies, phrases)
  adoption measures only          storage.convergence.event             p50 / p95
  the same adoption measures      plain GROUP BY over posts/tags/labels p50 / p95
  90-day daily series (all)       storage.convergence.daily_series      p50 / p95
  the same series                 plain GROUP BY over posts/tags/labels p50 / p95
  incremental refresh             after a 10,000-post batch (real write path + tag triggers)
  full rebuild                    convergence_rebuild(), the non-incremental alternative

Targets: event report p95 <= 200 ms, 90-day series <= 100 ms, refresh <= 2 s, >= 10x the
plain query. The database is dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, LiteralString

import psycopg
from psycopg.rows import dict_row

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch_database import finish, open_database  # noqa: E402
from collectors.records import PostRecord  # noqa: E402
from storage.convergence.common import Window  # noqa: E402
from storage.convergence.event import adoption_measures  # noqa: E402
from storage.convergence.report import daily_series, event_report, refresh_rollups  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.migrate import migrate  # noqa: E402
from storage.posts import write_posts  # noqa: E402

NARRATIVES = ("false_flag", "staged_incident", "sedition", "third_party", "us_culpability",
              "un_interference", "election_fraud", "anti_turkish_presence", "gulf_aggression")
GROUPS = ("iran_official", "iraqi_militia", "militia_media", "iraqi_government", "sadrist",
          "lebanese_hezbollah", "journalist", "osint_analyst", "news_outlet")
START = datetime(2020, 1, 1, tzinfo=UTC)
VOCABULARY = 2000

# Sources: the first 75% belong one-to-one to actors, the next 15% are second accounts of
# the same actors, the last 10% are observers. Twitter when id % 3 = 0.
LOAD_CATALOG = """
INSERT INTO actors (name, group_key)
SELECT 'actor ' || i, (%(groups)s::text[])[1 + i %% 9]
FROM generate_series(1, %(actors)s) i;
INSERT INTO sources (platform, handle, actor_id, role)
SELECT CASE WHEN i %% 3 = 0 THEN 'twitter' ELSE 'telegram' END, 'src' || i,
       CASE WHEN i <= %(actors)s THEN i
            WHEN i <= %(actor_sources)s THEN 1 + (i - %(actors)s) %% %(actors)s END,
       CASE WHEN i <= %(actor_sources)s THEN 'actor' ELSE 'observer' END
FROM generate_series(1, %(sources)s) i;
INSERT INTO narratives (key, names, descriptions)
SELECT k, jsonb_build_object('en', k), jsonb_build_object('en', k)
FROM unnest(%(narratives)s::text[]) k;
"""

# Posts in time order (id ~ time); busy sources post more (power law). Every 200th block of
# 7 consecutive posts repeats one talking point with one word changed: near-identical
# copies by different sources within about 90 seconds.
LOAD_POSTS = """
INSERT INTO posts (platform, source_id, native_id, kind, url, lang, posted_at, text,
                   normalized_text, content_hash, norm_hash)
SELECT CASE WHEN x.sid %% 3 = 0 THEN 'twitter' ELSE 'telegram' END, x.sid, g::text,
       CASE WHEN g %% 100 < 6 THEN 'forward' WHEN g %% 100 < 9 THEN 'retweet' ELSE 'post' END,
       'https://t.me/src' || x.sid || '/' || g, 'en',
       %(start)s::timestamptz + (g::float8 / %(posts)s) * %(span)s::interval
           + random() * interval '60 seconds',
       x.t, x.t, sha256(convert_to(x.t, 'UTF8')), sha256(convert_to(x.t, 'UTF8'))
FROM generate_series(1, %(posts)s) g
CROSS JOIN LATERAL (
    SELECT 1 + floor(%(sources)s * power(random(), 1.6))::int AS sid,
           CASE WHEN (g / 7) %% 200 = 0 THEN
               array_to_string(ARRAY(SELECT 'w' || (1 + ((g::bigint / 7) * j * 7919) %% %(vocab)s)
                                     FROM generate_series(1, 12) j), ' ')
               || ' w' || (1 + g %% %(vocab)s)
           ELSE
               array_to_string((ARRAY[
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int),
                   'w' || (1 + floor(random() * %(vocab)s)::int)])[1:6 + g %% 11], ' ')
           END AS t
) x
"""

# About 35% of posts get a tag (planted copies always, scored 0.9), 10% a second one; the
# score is uniform, so about half of the tags pass the 0.5 threshold.
LOAD_TAGS = """
INSERT INTO tags (post_id, narrative, score, method, model_version)
SELECT p.id, (%(narratives)s::text[])[1 + ((p.id / 7) * 5 + 3) %% 9],
       CASE WHEN (p.id / 7) %% 200 = 0 THEN 0.9 ELSE random() END, 'bench', 'bench-1'
FROM posts p
WHERE (p.id / 7) %% 200 = 0 OR random() < %(tag_rate)s;
INSERT INTO tags (post_id, narrative, score, method, model_version)
SELECT p.id, (%(narratives)s::text[])[1 + ((p.id / 7) * 5 + 7) %% 9], random(), 'bench', 'bench-1'
FROM posts p
WHERE random() < 0.10
ON CONFLICT DO NOTHING;
INSERT INTO labels (post_id, narrative, verdict, analyst)
SELECT post_id, narrative, CASE WHEN random() < 0.5 THEN 'confirm' ELSE 'reject' END, 'bench'
FROM tags TABLESAMPLE SYSTEM (1) LIMIT 3000;
INSERT INTO events (name, occurred_at)
SELECT 'event ' || i, %(start)s::timestamptz + (i * %(span)s::interval / 81)
       + (i * 37 %% 24) * interval '1 hour'
FROM generate_series(1, 80) i;
"""

PLAIN_ADOPTION = """
WITH carried AS (
    SELECT t.post_id, t.narrative
    FROM posts p
    JOIN tags t ON t.post_id = p.id
    JOIN narratives n ON n.key = t.narrative
    LEFT JOIN current_labels cl ON cl.post_id = t.post_id AND cl.narrative = t.narrative
    WHERE p.posted_at >= %(pre_start)s AND p.posted_at <= %(post_end)s
      AND (cl.verdict = 'confirm' OR (cl.verdict IS NULL AND t.score >= n.threshold))
    UNION
    SELECT cl.post_id, cl.narrative
    FROM current_labels cl JOIN posts p ON p.id = cl.post_id
    WHERE cl.verdict = 'confirm' AND p.posted_at >= %(pre_start)s AND p.posted_at <= %(post_end)s
), adoption AS (
    SELECT c.narrative, p.id AS post_id, p.posted_at, p.url, p.edited_at, p.text,
           p.version_count, s.platform, s.role, a.id AS actor_id, a.name AS actor, a.group_key
    FROM carried c
    JOIN posts p ON p.id = c.post_id
    JOIN sources s ON s.id = p.source_id
    LEFT JOIN actors a ON a.id = s.actor_id
), firsts AS (
    SELECT narrative, actor_id, actor, group_key, min(posted_at) AS first_at,
           extract(epoch FROM min(posted_at) - %(t0)s) / 3600 AS lag
    FROM adoption
    WHERE role = 'actor' AND actor_id IS NOT NULL AND posted_at >= %(t0)s
    GROUP BY narrative, actor_id, actor, group_key
), per_narrative AS (
    SELECT narrative,
           json_agg(json_build_object('actor', actor, 'group', group_key, 'first_at', first_at,
                                      'lag_hours', lag) ORDER BY first_at) AS adopters,
           count(*) FILTER (WHERE lag <= 1) AS w1, count(*) FILTER (WHERE lag <= 6) AS w6,
           count(*) FILTER (WHERE lag <= 24) AS w24, count(*) FILTER (WHERE lag <= 72) AS w72,
           count(DISTINCT group_key) FILTER (WHERE lag <= 24) AS groups_24h,
           (array_agg(lag ORDER BY lag))[3] AS time_to_k,
           (array_agg(actor ORDER BY first_at))[1] AS first_mover
    FROM firsts GROUP BY narrative
), pre AS (
    SELECT narrative, json_agg(json_build_object(
               'actor', actor, 'posted_at', posted_at, 'url', url, 'text', left(text, 280),
               'hours_before', extract(epoch FROM %(t0)s - posted_at) / 3600,
               'edited_after_event', coalesce(edited_at >= %(t0)s, false) OR EXISTS (
                   SELECT 1 FROM post_versions v WHERE v.post_id = adoption.post_id
                     AND v.version > 1 AND coalesce(v.edited_at, v.seen_at) >= %(t0)s))
               ORDER BY posted_at) AS items
    FROM adoption
    WHERE role = 'actor' AND actor_id IS NOT NULL AND posted_at < %(t0)s
    GROUP BY narrative
), observers AS (
    SELECT narrative, count(*) AS posts FROM adoption
    WHERE (role <> 'actor' OR actor_id IS NULL) AND posted_at >= %(t0)s
    GROUP BY narrative
)
SELECT n.key, pn.*, pre.items, o.posts
FROM narratives n
LEFT JOIN per_narrative pn ON pn.narrative = n.key
LEFT JOIN pre ON pre.narrative = n.key
LEFT JOIN observers o ON o.narrative = n.key
"""

# The talking points and copies of the report, by plain GROUP BY over the raw tables:
# phrases from the adopters' first posts, tokenised on the fly; copies as exact duplicates
# (same normalised-text hash, same hour), since GROUP BY cannot find near-duplicates.
PLAIN_CARRIED = """
WITH carried AS (
    SELECT t.post_id, t.narrative
    FROM posts p
    JOIN tags t ON t.post_id = p.id
    JOIN narratives n ON n.key = t.narrative
    LEFT JOIN current_labels cl ON cl.post_id = t.post_id AND cl.narrative = t.narrative
    WHERE p.posted_at >= %(t0)s AND p.posted_at <= %(post_end)s
      AND (cl.verdict = 'confirm' OR (cl.verdict IS NULL AND t.score >= n.threshold))
    UNION
    SELECT cl.post_id, cl.narrative
    FROM current_labels cl JOIN posts p ON p.id = cl.post_id
    WHERE cl.verdict = 'confirm' AND p.posted_at >= %(t0)s AND p.posted_at <= %(post_end)s
), adoption AS (
    SELECT c.narrative, p.id AS post_id, p.posted_at, p.text, p.kind, p.norm_hash, s.actor_id
    FROM carried c
    JOIN posts p ON p.id = c.post_id
    JOIN sources s ON s.id = p.source_id AND s.role = 'actor' AND s.actor_id IS NOT NULL
)"""

PLAIN_PHRASES = PLAIN_CARRIED + """, firsts AS (
    SELECT DISTINCT ON (narrative, actor_id) narrative, actor_id, convergence_tokens(text) AS w
    FROM adoption ORDER BY narrative, actor_id, posted_at, post_id
), grams AS (
    SELECT f.narrative, f.actor_id, g.n, array_to_string(f.w[i:i + g.n - 1], ' ') AS phrase
    FROM firsts f
    CROSS JOIN generate_series(2, 4) AS g (n)
    CROSS JOIN LATERAL generate_series(1, cardinality(f.w) - g.n + 1) AS i
    WHERE NOT (f.w[i] = ANY (convergence_stop_words())
               OR f.w[i + g.n - 1] = ANY (convergence_stop_words()))
)
SELECT narrative, phrase, count(DISTINCT actor_id) AS actors
FROM grams GROUP BY narrative, phrase, n HAVING count(DISTINCT actor_id) >= 2
ORDER BY narrative, actors DESC, n DESC
"""

PLAIN_COPIES = PLAIN_CARRIED + """
SELECT narrative, norm_hash, date_bin(interval '1 hour', posted_at, %(t0)s) AS hour,
       count(DISTINCT actor_id) AS actors, array_agg(post_id) AS posts
FROM adoption
WHERE kind NOT IN ('forward', 'retweet')
GROUP BY 1, 2, 3
HAVING count(DISTINCT actor_id) >= 2
"""

PLAIN_SERIES = """
WITH carried AS (
    SELECT t.narrative, p.posted_at, s.platform, a.id AS actor_id, a.group_key
    FROM posts p
    JOIN tags t ON t.post_id = p.id
    JOIN narratives n ON n.key = t.narrative
    JOIN sources s ON s.id = p.source_id AND s.role = 'actor'
    JOIN actors a ON a.id = s.actor_id
    LEFT JOIN current_labels cl ON cl.post_id = t.post_id AND cl.narrative = t.narrative
    WHERE p.posted_at >= %(lo)s AND p.posted_at < %(hi)s
      AND (cl.verdict = 'confirm' OR (cl.verdict IS NULL AND t.score >= n.threshold))
), daily AS (
    SELECT narrative, (posted_at AT TIME ZONE 'UTC')::date AS day,
           count(DISTINCT actor_id) AS actors, count(DISTINCT group_key) AS groups,
           count(*) AS posts,
           count(DISTINCT actor_id) FILTER (WHERE platform = 'telegram') AS telegram_actors,
           count(DISTINCT actor_id) FILTER (WHERE platform = 'twitter') AS twitter_actors
    FROM carried GROUP BY 1, 2
), grid AS (
    SELECT n.key AS narrative, g::date AS day FROM narratives n
    CROSS JOIN generate_series(%(lo)s::date::timestamp, (%(hi)s::date - 1)::timestamp,
                               interval '1 day') g
), stats AS (
    SELECT g.narrative, g.day, coalesce(d.actors, 0) AS actors,
           avg(coalesce(d.actors, 0)) OVER w AS mean, stddev_pop(coalesce(d.actors, 0)) OVER w AS sd
    FROM grid g LEFT JOIN daily d ON d.narrative = g.narrative AND d.day = g.day
    WINDOW w AS (PARTITION BY g.narrative ORDER BY g.day ROWS BETWEEN 28 PRECEDING AND 1 PRECEDING)
)
SELECT *, (actors - mean) / greatest(sd, 1) AS z FROM stats WHERE day >= %(first)s
"""


TAG_BATCH = """
INSERT INTO tags (post_id, narrative, score, method, model_version)
SELECT id, (%(n)s::text[])[1 + id %% 9], 0.4 + (id %% 60) / 100.0, 'bench', 'bench-2'
FROM posts WHERE id > %(last_id)s
"""


def fetch_all(conn: psycopg.Connection[Any], query: LiteralString,
              params: dict[str, Any]) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, params).fetchall()


def timed(action: Callable[[], Any]) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(name: str, values: list[float]) -> dict[str, float]:
    p50, p95 = statistics.median(values), percentile(values, 0.95)
    print(f"  {name:<42} p50 {p50:9.1f} ms   p95 {p95:9.1f} ms   (n={len(values)})")
    return {"p50": p50, "p95": p95}


def load(url: str, args: argparse.Namespace) -> None:
    actors = int(args.sources * 0.75)
    params = {"groups": list(GROUPS), "narratives": list(NARRATIVES), "actors": actors,
              "actor_sources": int(args.sources * 0.9), "sources": args.sources,
              "posts": args.posts, "start": START, "span": timedelta(days=args.days),
              "vocab": VOCABULARY, "tag_rate": 0.35}
    with psycopg.connect(url, autocommit=True) as conn:
        # Bulk load without triggers (rebuilt below), and without the full-text index,
        # which no convergence query uses.
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("DROP INDEX IF EXISTS posts_search_idx")
        for label, script in (("catalog", LOAD_CATALOG), ("posts", LOAD_POSTS),
                              ("tags, labels, events", LOAD_TAGS)):
            began = time.perf_counter()
            for statement in script.split(";\n"):
                if statement.strip():
                    conn.execute(statement, params)
            print(f"  loaded {label:<28} {time.perf_counter() - began:8.1f} s", flush=True)
        conn.execute("SET session_replication_role = origin")
        began = time.perf_counter()
        rows = conn.execute("SELECT convergence_rebuild() AS n").fetchone()
        rebuild = time.perf_counter() - began
        print(f"  full rebuild (convergence_rebuild)  {rebuild:8.1f} s "
              f"({rows[0] if rows else 0:,} narrative posts)", flush=True)
        conn.execute("VACUUM ANALYZE")
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM tags), "
            "(SELECT count(*) FROM narrative_posts), (SELECT count(*) FROM sources)").fetchone()
        assert counts is not None
        print(f"  posts {counts[0]:,}  tags {counts[1]:,}  narrative posts {counts[2]:,}  "
              f"sources {counts[3]:,}")
        args.rebuild_s = rebuild


def measure_reports(db: Database, runs: int) -> dict[str, dict[str, float]]:
    with db.connection() as conn:
        events = conn.execute(
            "SELECT id, occurred_at FROM events WHERE occurred_at > %(lo)s "
            "AND occurred_at < (SELECT max(posted_at) FROM posts) - interval '4 days' "
            "ORDER BY id", {"lo": START + timedelta(days=10)}).fetchall()
    picks = [events[i % len(events)] for i in range(runs)]
    full, alone, core, plain, plain_full = [], [], [], [], []
    with db.connection() as conn, db.spare_connections(2) as helpers:
        # As the CLI and the console call it: with two spare pooled connections as helpers.
        event_report(conn, picks[0]["id"], helpers=helpers)  # warm the cache once
        for e in picks:
            t0 = e["occurred_at"]
            window = Window(t0, t0 - timedelta(days=7), t0 + timedelta(hours=72))
            full.append(timed(partial(event_report, conn, e["id"], helpers=helpers)))
            alone.append(timed(partial(event_report, conn, e["id"])))
            core.append(timed(partial(adoption_measures, conn, window, None, 3)))
            plain.append(timed(partial(fetch_all, conn, PLAIN_ADOPTION, window.params())))
            plain_full.append(plain[-1] + sum(
                timed(partial(fetch_all, conn, query, window.params()))
                for query in (PLAIN_COPIES, PLAIN_PHRASES)))
    print("event report (all 9 narratives, 7-day pre-window, 72 h post-window)")
    return {"full": summary("event report (rollups, everything)", full),
            "alone": summary("the same on one connection (no helpers)", alone),
            "core": summary("adoption measures (rollups)", core),
            "plain": summary("adoption measures (plain GROUP BY)", plain),
            "plain_full": summary("whole report (plain GROUP BY)", plain_full)}


def measure_series(db: Database, runs: int, days: int) -> dict[str, dict[str, float]]:
    ours, plain = [], []
    with db.connection() as conn:
        for i in range(runs):
            first = (START + timedelta(days=40 + (i * 37) % (days - 140))).date()
            last = first + timedelta(days=89)
            ours.append(timed(partial(daily_series, conn, first, last)))
            params = {"first": first, "lo": first - timedelta(days=28),
                      "hi": last + timedelta(days=1)}
            plain.append(timed(partial(fetch_all, conn, PLAIN_SERIES, params)))
    print("90-day daily series, all narratives, with 28-day baselines")
    return {"ours": summary("daily series (rollups)", ours),
            "plain": summary("daily series (plain GROUP BY)", plain)}


def measure_refresh(db: Database, batch: int, days: int) -> dict[str, float]:
    end = START + timedelta(days=days)
    run = uuid.uuid4().hex[:6]  # a fresh batch on every run, also in a reused database
    records = [
        PostRecord(platform="telegram", source=f"src{1 + (i * 7) % 1500}",
                   native_id=f"new-{run}-{i}",
                   posted_at=end - timedelta(seconds=(i * 17) % (2 * 86400)),
                   text=f"w{1 + i % 2000} w{1 + (i * 7) % 2000} w{1 + (i * 13) % 2000} new batch")
        for i in range(batch) if (1 + (i * 7) % 1500) % 3 != 0
    ]
    records += [
        PostRecord(platform="twitter", source=f"src{3 * (1 + i % 500)}",
                   native_id=f"new-{run}-t{i}",
                   posted_at=end - timedelta(seconds=(i * 29) % (2 * 86400)),
                   text=f"w{1 + i % 2000} twitter batch")
        for i in range(batch - len(records))
    ]
    with db.connection() as conn:
        refresh_rollups(conn)  # start clean
        last = conn.execute("SELECT max(id) AS id FROM posts").fetchone()
        last_id = int(last["id"]) if last else 0
    with db.connection() as conn:
        write_ms = timed(partial(write_posts, conn, records))
    with db.connection() as conn:
        tag_ms = timed(partial(conn.execute, TAG_BATCH,
                               {"n": list(NARRATIVES), "last_id": last_id}))
    with db.connection() as conn:
        dirty = conn.execute(
            "SELECT count(DISTINCT day) AS n FROM convergence_dirty_days").fetchone()
        refresh_ms = timed(partial(refresh_rollups, conn))
    print(f"incremental refresh after a {len(records):,}-post batch")
    print(f"  write_posts (COPY + upsert, with triggers) {write_ms:9.1f} ms")
    print(f"  tag insert (with narrative_posts triggers)  {tag_ms:9.1f} ms")
    print(f"  refresh_rollups ({dirty['n'] if dirty else 0} dirty days)"
          f"{'':<17}{refresh_ms:9.1f} ms")
    return {"write": write_ms, "tags": tag_ms, "refresh": refresh_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=5_000_000)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--database", help="measure again in a database kept by --keep "
                                           "(same --days), without loading")
    args = parser.parse_args()
    name, url = open_database(args.url, args.database, "chorus_bench_conv")
    db = Database(url)
    try:
        migrate(db)  # a kept database gets the migrations added since it was made
        print(f"database {name}: {args.posts:,} posts over {args.days} days, "
              f"{args.sources:,} sources, {len(NARRATIVES)} narratives", flush=True)
        if args.database:
            args.rebuild_s = float("nan")  # not rebuilt in this run
        else:
            load(url, args)
        reports = measure_reports(db, args.runs)
        series = measure_series(db, max(10, args.runs // 2), args.days)
        refresh = measure_refresh(db, args.batch, args.days)
        rebuild_ms = args.rebuild_s * 1000
        print("ratios (plain / ours, same run) and targets")
        print(f"  event report p95 {reports['full']['p95']:.1f} ms (target <= 200 ms)")
        print(f"  adoption measures alone (a part of the report): plain p95 / rollup p95 = "
              f"{reports['plain']['p95'] / reports['core']['p95']:.1f}x")
        print(f"  whole report: plain p95 / rollup p95 = "
              f"{reports['plain_full']['p95'] / reports['full']['p95']:.1f}x (target >= 10x); "
              f"on one connection {reports['plain_full']['p95'] / reports['alone']['p95']:.1f}x")
        print(f"  90-day series p95 {series['ours']['p95']:.1f} ms (target <= 100 ms); "
              f"plain / ours = {series['plain']['p95'] / series['ours']['p95']:.1f}x")
        print(f"  refresh {refresh['refresh']:.0f} ms (target <= 2000 ms); "
              f"full rebuild / refresh = {rebuild_ms / refresh['refresh']:.0f}x")
    finally:
        db.close()
        finish(args.url, name, keep=args.keep, reused=bool(args.database), flag="--database")


if __name__ == "__main__":
    main()
