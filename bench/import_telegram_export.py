"""Telegram Desktop export import benchmark (issue 3): messages/s and peak RSS.

    .venv/bin/python bench/import_telegram_export.py [--messages 500000] [--url postgresql://...]

Generates a full-account export (several channels and groups, a personal chat that is
skipped, service messages, text as strings and as entity lists, links, photos, videos,
polls, forwards, replies, edits), pretty-printed as Telegram Desktop writes it. Each path
runs in its own child process (its own peak RSS) into a fresh database on the same server:

  export import      `chorus import telegram-export` (the streaming reader)
  load-whole import  the same mapping and write path, but the file read with json.load
                     first (what a straightforward importer does)
  jsonl import       `chorus import jsonl` of the same messages as generic JSONL (the
                     project's established import path)
  export reader      the streaming reader alone (parse + map + checks, no database)
  load-whole reader  json.load of the whole file + the same mapping (no database)

Targets: export import >= 20,000 messages/s and peak RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import conninfo, sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine_cpu import CpuSample, describe  # noqa: E402

AR = ("عاجل قال رئيس الوزراء إن الانتخابات يجب احترامها وأدان الهجوم على المنطقة الخضراء في "
      "بغداد مشروع فتنة طرف ثالث السفارة الأمريكية فصائل المقاومة الحشد الشعبي بيان").split()
FA = ("دبیر شورای عالی امنیت ملی گفت فتنه اندیشکده‌های خارجی عامل ناامنی عراق هستند "
      "آمریکا انتخابات بغداد مقاومت").split()
EN = ("breaking the prime minister said security forces reported rockets near the green "
      "zone while officials met in baghdad after the elections").split()
CHATS = (("Sabereen News", "public_channel", 0.30), ("Tura News", "public_channel", 0.25),
         ("Militia media", "private_channel", 0.15), ("Resistance chat", "public_supergroup",
                                                      0.15),
         ("Local group", "private_group", 0.10), ("Observers", "private_supergroup", 0.05))
START = datetime(2021, 1, 1, tzinfo=UTC)


def message(rng: random.Random, chat: str, message_id: int, moment: datetime) -> dict[str, Any]:
    unix = int(moment.timestamp())
    local = (moment + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S")  # exporter's clock
    if rng.random() < 0.02:
        return {"id": message_id, "type": "service", "date": local, "date_unixtime": str(unix),
                "actor": chat, "actor_id": "channel1", "action": "pin_message",
                "message_id": message_id - 1, "text": "", "text_entities": []}
    words = rng.choice((AR, AR, AR, FA, EN))
    body = " ".join(rng.choice(words) for _ in range(min(int(rng.lognormvariate(2.8, 0.7)) + 3,
                                                         250)))
    m: dict[str, Any] = {"id": message_id, "type": "message", "date": local,
                         "date_unixtime": str(unix), "from": chat, "from_id": "channel1"}
    if rng.random() < 0.25:
        link = f"https://example.org/{message_id}"
        parts: list[Any] = [body + " ", {"type": "link", "text": link}]
        if rng.random() < 0.5:
            parts += [" ", {"type": "text_link", "text": "المصدر", "href": link + "/src"}]
        m["text"] = parts
        m["text_entities"] = [p if isinstance(p, dict) else {"type": "plain", "text": p}
                              for p in parts]
    else:
        m["text"] = body
        m["text_entities"] = [{"type": "plain", "text": body}]
    r = rng.random()
    if r < 0.10:
        m.update(photo=f"photos/photo_{message_id}.jpg", width=1280, height=720)
    elif r < 0.13:
        m.update(file=f"video_files/v_{message_id}.mp4", media_type="video_file",
                 mime_type="video/mp4", duration_seconds=rng.randint(5, 120))
    elif r < 0.14:
        m["poll"] = {"question": "من المسؤول؟", "closed": False, "total_voters": 10,
                     "answers": [{"text": "طرف ثالث", "voters": 7, "chosen": False}]}
    if rng.random() < 0.05:
        m["forwarded_from"] = "Tura News"
    if rng.random() < 0.03:
        m["reply_to_message_id"] = max(1, message_id - rng.randint(1, 50))
    if rng.random() < 0.04:
        m["edited"] = local
        m["edited_unixtime"] = str(unix + 600)
    return m


def messages_for(rng: random.Random, chat: str, count: int) -> Iterator[dict[str, Any]]:
    moment = START
    for message_id in range(1, count + 1):
        moment += timedelta(seconds=rng.randint(5, 300))
        yield message(rng, chat, message_id, moment)


def write_export(path: Path, total: int, seed: int = 3) -> int:
    """A full-account export, written incrementally with Telegram Desktop's indentation."""
    rng = random.Random(seed)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{\n "about": "Here is the data you requested.",\n "chats": {\n'
                  '  "about": "This page lists all chats from this export.",\n  "list": [\n')
        out.write('   {\n    "name": "A friend",\n    "type": "personal_chat",\n'
                  '    "id": 55,\n    "messages": []\n   }')
        for n, (name, kind, share) in enumerate(CHATS):
            count = int(total * share) if n < len(CHATS) - 1 else total - written
            out.write(f',\n   {{\n    "name": {json.dumps(name)},\n    "type": "{kind}",\n'
                      f'    "id": {1_100_000_000 + n},\n    "messages": [\n')
            for i, m in enumerate(messages_for(rng, name, count)):
                text = json.dumps(m, ensure_ascii=False, indent=1).replace("\n", "\n     ")
                out.write(("     " if i == 0 else ",\n     ") + text)
            out.write("\n    ]\n   }")
            written += count
        out.write("\n  ]\n }\n}\n")
    return written


def write_jsonl(export: Path, path: Path) -> None:
    """The same messages in the generic JSONL format (the baseline import path)."""
    from collectors.records import PostRecord
    from collectors.telegram_export import read_telegram_export

    with export.open(encoding="utf-8") as src, path.open("w", encoding="utf-8") as out:
        for item in read_telegram_export(src):
            if isinstance(item, PostRecord):
                out.write(json.dumps({
                    "platform": "telegram", "source": item.source, "id": item.native_id,
                    "posted_at": item.posted_at.isoformat(), "text": item.text,
                    "forwarded_from": item.forwarded_from, "reply_to": item.reply_to,
                    "raw": item.raw}, ensure_ascii=False) + "\n")


def new_database(admin: str) -> tuple[str, str]:
    name = f"chorus_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = conninfo.make_conninfo(admin, dbname=name)
    subprocess.run([sys.executable, "-m", "monitor.cli", "db", "migrate"], check=True, cwd=ROOT,
                   env={**os.environ, "CHORUS_DATABASE_URL": url}, capture_output=True)
    return name, url


def drop_database(admin: str, name: str) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


CHILD = {
    "export reader": (
        "from collectors.telegram_export import read_telegram_export;"
        "from collectors.records import PostRecord;"
        "stored = sum(isinstance(i, PostRecord) for i in"
        "             read_telegram_export(open(PATH, encoding='utf-8', newline='')))"),
    "load-whole reader": (
        "from collectors.telegram_export import _chat, export_message_to_record;"
        "doc = json.load(open(PATH, encoding='utf-8'));"
        "chats = [c for c in doc['chats']['list'] if c['type'] != 'personal_chat'];"
        "stored = sum(1 for c in chats for m in c['messages']"
        "             if export_message_to_record(m, _chat(c, {}, None)) is not None)"),
    "export import": (
        "from click.testing import CliRunner; from monitor.cli import cli;"
        "r = CliRunner().invoke(cli, ['import', 'telegram-export', PATH, '--json']);"
        "summary = json.loads(r.stdout); stored = summary['inserted']"),
    "load-whole import": (
        "from collectors.telegram_export import _chat, export_message_to_record;"
        "from collectors.records import PostRecord;"
        "from monitor.importing import import_stream; from storage.database import Database;"
        "doc = json.load(open(PATH, encoding='utf-8'));"
        "chats = [c for c in doc['chats']['list'] if c['type'] != 'personal_chat'];"
        "records = (r for c in chats for m in c['messages']"
        "           if (r := export_message_to_record(m, _chat(c, {}, None))) is not None);"
        "db = Database(os.environ['CHORUS_DATABASE_URL']);"
        "stored = import_stream(db, records, kind='telegram-export').counts.inserted"),
    "jsonl import": (
        "from click.testing import CliRunner; from monitor.cli import cli;"
        "r = CliRunner().invoke(cli, ['import', 'jsonl', PATH, '--json']);"
        "stored = json.loads(r.stdout)['inserted']"),
}


def run_child(label: str, path: Path, url: str) -> tuple[float, int, int]:
    """Seconds, peak RSS (bytes) and posts stored, measured inside a fresh process."""
    # The child samples machine CPU around the timed part only (not its own start-up).
    code = ("import json, os, resource, time; from bench.machine_cpu import CpuSample;"
            "c0 = CpuSample.now(); t = time.perf_counter(); "
            f"PATH = {str(path)!r}; " + CHILD[label] + "; "
            "c1 = CpuSample.now();"
            "print(c0.busy_s, c0.total_s, c1.busy_s, c1.total_s, time.perf_counter() - t, "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, stored)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "CHORUS_DATABASE_URL": url, "HF_HUB_OFFLINE": "1"})
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed:\n{proc.stderr[-2000:]}")
    *_, busy0, total0, busy1, total1, seconds, rss, stored = proc.stdout.split()
    CPU[label] = (CpuSample(float(busy0), float(total0)), CpuSample(float(busy1), float(total1)))
    return float(seconds), int(rss) * 1024, int(stored)


CPU: dict[str, tuple[CpuSample, CpuSample]] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=500_000)
    parser.add_argument("--url", default=os.environ.get(
        "CHORUS_BENCH_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "result.json"
        total = write_export(export, args.messages)
        jsonl = Path(tmp) / "messages.jsonl"
        write_jsonl(export, jsonl)
        print(f"{total:,} messages, export {export.stat().st_size / 1e6:.0f} MB, "
              f"same messages as JSONL {jsonl.stat().st_size / 1e6:.0f} MB")
        results: dict[str, tuple[float, int, int]] = {}
        for label in CHILD:
            path = jsonl if label == "jsonl import" else export
            if label.endswith("reader"):  # parsing and mapping only: no database
                results[label] = run_child(label, path, "")
            else:
                name, url = new_database(args.url)
                try:
                    results[label] = run_child(label, path, url)
                finally:
                    drop_database(args.url, name)
            seconds, rss, stored = results[label]
            print(f"{label:>18}: {total / seconds:>9,.0f} messages/s ({seconds:6.1f} s), "
                  f"peak RSS {rss / 2**20:5.0f} MB, {stored:,} posts")
    rate = {label: total / r[0] for label, r in results.items()}
    peak_rss = {label: r[1] for label, r in results.items()}
    print(f"export import rate     = {rate['export import']:,.0f} messages/s (target >= 20,000)")
    print(f"export import peak RSS = {peak_rss['export import'] / 2**20:.0f} MB (target < 400)")
    print(f"rate vs load-whole     = {rate['export import'] / rate['load-whole import']:.2f}x; "
          f"RSS vs load-whole = {peak_rss['export import'] / peak_rss['load-whole import']:.2f}x")
    print(f"rate vs jsonl import   = {rate['export import'] / rate['jsonl import']:.2f}x; "
          f"RSS vs jsonl import = {peak_rss['export import'] / peak_rss['jsonl import']:.2f}x")
    print(f"reader alone           = {rate['export reader']:,.0f} messages/s, "
          f"{rate['export reader'] / rate['load-whole reader']:.2f}x json.load's rate at "
          f"{peak_rss['export reader'] / peak_rss['load-whole reader']:.2f}x its peak RSS")
    print(f"write path share       = {1 - rate['export import'] / rate['export reader']:.0%} "
          "of the import's time is spent after parsing (prepare, COPY, upsert)")
    print("export import          = " + describe(*CPU["export import"], total, "message"))


if __name__ == "__main__":
    main()
