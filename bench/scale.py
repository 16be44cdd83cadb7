"""Tagging workers on the shared queue (issue 18): throughput with one and with two worker
processes, and the queue's overhead against tagging the same posts in one plain loop.

    .venv/bin/python bench/scale.py [--posts 1500] [--url postgresql://postgres@127.0.0.1:5432/postgres]

Builds its own database (dropped at the end): the seeds, one source, and --posts unique mixed
posts in English, Arabic and Persian (bench/classify.py's make_corpus: dev texts and the
demo corpus, never the test split). Then, each run in fresh processes whose model is loaded
before the clock starts (a barrier), every post queued again before each run:

  loop        one process: the posts read in id order, tagged in batches, written with
              storage.tagging.write_tags (the same writes, no queue, no claim);
  1 worker    one process on the queue (monitor.classifying.tag_pending_posts), with
              every core for the model;
  2 workers   two processes on the queue, each with half the cores.

Prints posts/s for each, the queue's overhead (1 worker against the loop; target <= 5%) and
the speed-up of two workers over one. On a 2-core machine two workers share the cores the
one had: expect no speed-up, only that splitting costs little.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.classify import make_corpus  # noqa: E402
from bench.scratch_database import finish, open_database  # noqa: E402
from collectors.records import PostRecord  # noqa: E402
from monitor.seeding import sync_seeds  # noqa: E402
from storage import catalog  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.migrate import migrate  # noqa: E402
from storage.posts import write_posts  # noqa: E402

WORKER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    from classifiers.tagger import load_tagger
    from monitor.classifying import tag_pending_posts
    from monitor.settings import load_config
    from storage import tagging
    from storage.database import Database

    url, mode, threads, ready, go = sys.argv[1:6]
    db = Database(url)
    tagger = load_tagger(None, threads=int(threads))
    config = load_config({}).with_overrides(classify_batch_size=64)
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.01)
    began = time.perf_counter()
    if mode == "queue":
        posts = tag_pending_posts(config, db, tagger=tagger).posts
    else:  # the same posts in one plain loop: read in id order, tag, write
        with db.connection() as conn:
            rows = conn.execute("SELECT id, text, lang FROM posts ORDER BY id").fetchall()
        for i in range(0, len(rows), 64):
            batch = rows[i:i + 64]
            results = tagger.tag([r["text"] for r in batch], [r["lang"] for r in batch])
            with db.connection() as conn:
                tagging.write_tags(conn, tagger.model_version, [
                    tagging.PostTags(r["id"], [tagging.TagRow(t.narrative, t.score, t.method,
                                                              t.evidence) for t in tags])
                    for r, tags in zip(batch, results)])
        posts = len(rows)
    print(json.dumps({"posts": posts, "seconds": time.perf_counter() - began}))
""")


def load(db: Database, posts: int) -> None:
    sync_seeds(db)
    with db.connection() as conn:
        catalog.upsert_actor(conn, catalog.ActorSpec("Bench Channel", "militia_media"))
        catalog.upsert_source(conn, catalog.SourceSpec(
            platform="telegram", handle="scalebench", role="actor", actor="Bench Channel",
            kind="channel"))
    start = datetime(2021, 11, 1, tzinfo=UTC)
    records = [PostRecord(platform="telegram", source="scalebench", native_id=str(i),
                          posted_at=start + timedelta(minutes=i), text=text, lang=lang)
               for i, (text, lang) in enumerate(make_corpus(posts))]
    with db.connection() as conn:
        write_posts(conn, records, fetched_at=datetime.now(UTC))


def requeue(db: Database) -> None:
    with db.connection() as conn:
        conn.execute("DELETE FROM tags")
        conn.execute("DELETE FROM post_tagging")
        conn.execute("INSERT INTO tag_queue (post_id) SELECT id FROM posts "
                     "ON CONFLICT (post_id) DO NOTHING")


def run(url: str, mode: str, processes: int, threads: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "worker.py"
        script.write_text(WORKER, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
               "TRANSFORMERS_OFFLINE": "1"}
        go = Path(tmp) / "go"
        readies = [Path(tmp) / f"ready{i}" for i in range(processes)]
        procs = [subprocess.Popen([sys.executable, str(script), url, mode, str(threads),
                                   str(ready), str(go)], env=env, stdout=subprocess.PIPE)
                 for ready in readies]
        while not all(r.exists() for r in readies):
            time.sleep(0.05)
        began = time.perf_counter()
        go.touch()
        outputs = [json.loads(p.communicate()[0].decode().strip().splitlines()[-1])
                   for p in procs]
        wall = time.perf_counter() - began
    posts = sum(int(o["posts"]) for o in outputs)
    return {"posts": posts, "seconds": wall, "rate": posts / wall,
            "per_process": [o["posts"] for o in outputs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--posts", type=int, default=1500)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    cores = os.cpu_count() or 2
    name, url = open_database(args.url, None, "chorus_bench_scale")
    db = Database(url)
    try:
        migrate(db)
        load(db, args.posts)
        results: dict[str, dict[str, Any]] = {}
        for label, mode, processes, threads in (
                ("loop", "loop", 1, cores), ("1 worker", "queue", 1, cores),
                ("2 workers", "queue", 2, max(1, cores // 2))):
            requeue(db)
            results[label] = run(url, mode, processes, threads)
            r = results[label]
            print(f"  {label:<10} {r['posts']:,} posts in {r['seconds']:.1f} s = "
                  f"{r['rate']:.1f} posts/s (per process: {r['per_process']}; "
                  f"{threads} model threads each)", flush=True)
        overhead = results["loop"]["rate"] / results["1 worker"]["rate"] - 1
        print(f"queue overhead per post against the plain loop: {overhead * 100:+.1f}% "
              "(target <= 5%)")
        print(f"2 workers / 1 worker: {results['2 workers']['rate'] / results['1 worker']['rate']:.2f}x "
              f"on {cores} cores")
    finally:
        db.close()
        finish(args.url, name, keep=False, reused=False, flag="")


if __name__ == "__main__":
    main()
