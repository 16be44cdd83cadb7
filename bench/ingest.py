"""Ingest benchmark: the public import path against raw COPY and a naive executemany.

    .venv/bin/python bench/ingest.py [--posts 1000000] [--url postgresql://...]

All three run in one process, into fresh databases on the same server, side by side.
Targets (issue 2): import >= 0.5x raw COPY, >= 3x naive, import peak RSS < 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import conninfo, sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine_cpu import CpuSample, describe  # noqa: E402

EN = ("the prime minister said the elections must be respected and the attack condemned "
      "security forces in baghdad reported rockets near the green zone while officials met").split()
AR = ("قال رئيس الوزراء إن الانتخابات يجب احترامها وأدان الهجوم على المنطقة الخضراء في بغداد "
      "مشروع فتنة طرف ثالث السفارة الأمريكية فصائل المقاومة").split()
FA = ("دبیر شورای عالی امنیت ملی گفت فتنه اندیشکده‌های خارجی عامل ناامنی عراق هستند "
      "آمریکا انتخابات بغداد مقاومت").split()


def generate(n: int, sources: int = 200, seed: int = 7) -> Iterator[dict[str, object]]:
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for i in range(n):
        r = rng.random()
        words, lang = (AR, "ar") if r < 0.2 else (FA, "fa") if r < 0.3 else (EN, "en")
        length = min(int(rng.lognormvariate(3.0, 0.8)) + 3, 400)  # tweets to long posts
        yield {
            "platform": "telegram" if i % 3 else "twitter",
            "source": f"src{i % sources}",
            "id": str(i),
            "posted_at": (start + timedelta(seconds=i * 31)).isoformat(),
            "text": " ".join(rng.choice(words) for _ in range(length)),
            "lang": lang,
        }


def write_file(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in generate(n):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def new_database(admin: str) -> tuple[str, str]:
    name = f"chorus_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name, conninfo.make_conninfo(admin, dbname=name)


def drop_database(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


CPU: dict[str, tuple[CpuSample, CpuSample]] = {}


def bench_import(url: str, path: Path) -> tuple[float, int]:
    """The public path: `chorus import jsonl` in a child process (its own peak RSS)."""
    subprocess.run([sys.executable, "-m", "monitor.cli", "db", "migrate"], check=True,
                   env={**os.environ, "CHORUS_DATABASE_URL": url}, capture_output=True)
    code = (
        "import resource, sys, time; from click.testing import CliRunner;"
        "from monitor.cli import cli; from bench.machine_cpu import CpuSample;"
        "c0 = CpuSample.now(); t = time.perf_counter();"
        f"r = CliRunner().invoke(cli, ['import', 'jsonl', {str(path)!r}]);"
        "c1 = CpuSample.now();"
        "print(c0.busy_s, c0.total_s, c1.busy_s, c1.total_s, r.exit_code, time.perf_counter() - t,"
        " [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0].split()[1]);"
        "print(r.output[-300:], file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "CHORUS_DATABASE_URL": url}, check=True,
                          cwd=ROOT)
    *_, busy0, total0, busy1, total1, exit_code, seconds, rss = proc.stdout.split()
    CPU["import"] = (CpuSample(float(busy0), float(total0)), CpuSample(float(busy1), float(total1)))
    if exit_code != "0":
        raise SystemExit(f"import failed: {proc.stderr}")
    return float(seconds), int(rss) * 1024


def bench_raw_copy(url: str, path: Path) -> float:
    """The physical limit: read the same JSONL file and COPY its rows into one unindexed
    table (no normalisation, no hashes, no versions, no search vector, no constraints)."""
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE raw_posts (platform text, source text, native_id text, "
                     "posted_at timestamptz, text text, lang text)")
        t = time.perf_counter()
        with conn.cursor().copy("COPY raw_posts FROM STDIN") as copy, path.open("rb") as f:
            for line in f:
                row = json.loads(line)
                copy.write_row((row["platform"], row["source"], row["id"], row["posted_at"],
                                row["text"], row.get("lang")))
        conn.commit()
        return time.perf_counter() - t


def bench_naive(url: str, n: int) -> float:
    """What a script writer does: executemany INSERT ... ON CONFLICT into the same posts
    table (same schema and indexes as the import), commit per 1,000 rows."""
    from hashlib import sha256

    from classifiers.normalise import normalise

    subprocess.run([sys.executable, "-m", "monitor.cli", "db", "migrate"], check=True,
                   env={**os.environ, "CHORUS_DATABASE_URL": url}, capture_output=True)
    insert = ("INSERT INTO posts (platform, source_id, native_id, posted_at, text, "
              "normalized_text, content_hash, norm_hash, lang) "
              "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING")
    with psycopg.connect(url) as conn:
        source_ids: dict[tuple[object, object], int] = {}
        t = time.perf_counter()
        batch: list[tuple[object, ...]] = []
        with conn.cursor() as cur:
            for row in generate(n):
                key = (row["platform"], row["source"])
                if key not in source_ids:
                    cur.execute("INSERT INTO sources (platform, handle) VALUES (%s, %s) "
                                "RETURNING id", key)
                    source_ids[key] = cur.fetchone()[0]  # type: ignore[index]
                text = str(row["text"])
                norm = normalise(text)
                batch.append((row["platform"], source_ids[key], row["id"], row["posted_at"],
                              text, norm, sha256(text.encode()).digest(),
                              sha256(norm.encode()).digest(), row["lang"]))
                if len(batch) == 1000:
                    cur.executemany(insert, batch)
                    conn.commit()
                    batch.clear()
            if batch:
                cur.executemany(insert, batch)
                conn.commit()
        return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--naive-posts", type=int, default=0,
                        help="rows for the naive path (default: same as --posts)")
    parser.add_argument("--url", default=os.environ.get(
        "CHORUS_BENCH_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    n, naive_n = args.posts, args.naive_posts or args.posts
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "posts.jsonl"
        write_file(path, n)
        print(f"{n:,} posts, {path.stat().st_size / 1e6:.0f} MB of JSONL")
        results: dict[str, float] = {}
        runs: list[tuple[str, Callable[[str], float]]] = [
            ("raw COPY", lambda u: bench_raw_copy(u, path)),
            ("import", lambda u: bench_import(u, path)[0]),
            ("naive executemany", lambda u: bench_naive(u, naive_n))]
        for label, fn in runs:
            name, url = new_database(args.url)
            try:
                if label == "import":
                    seconds, rss = bench_import(url, path)
                    results["rss"] = rss
                else:
                    seconds = fn(url)
            finally:
                drop_database(args.url, name)
            rows = naive_n if label.startswith("naive") else n
            results[label] = rows / seconds
            print(f"{label:>18}: {rows / seconds:>10,.0f} posts/s ({seconds:.1f} s)")
    print(f"import / raw COPY      = {results['import'] / results['raw COPY']:.2f}x (target >= 0.5)")
    print(f"import / naive         = {results['import'] / results['naive executemany']:.2f}x "
          "(target >= 3)")
    print(f"import peak RSS        = {results['rss'] / 2**20:.0f} MB (target < 500)")
    print("import                 = " + describe(*CPU["import"], n, "post"))
    print(f"bench peak RSS (self)  = "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
