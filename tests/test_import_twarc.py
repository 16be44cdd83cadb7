"""`chorus import twarc`: twarc2 JSONL pages (and flattened tweets) through the live mapping."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from collectors.records import PostRecord, RejectedRecord
from collectors.twarc_import import read_twarc
from monitor.cli import cli
from storage.database import Database
from tests.secrets_support import empty_secrets_file

QAIS = {"id": "1002003004", "name": "Qais al-Khazali", "username": "Qais_alkhazali"}
SHAM = {"id": "2003004005", "name": "Ali Shamkhani", "username": "alishamkhani_ir"}
TWARC = {"url": "https://api.twitter.com/2/tweets/search/all?query=...", "version": "2.13.0",
         "retrieved_at": "2021-11-08T10:00:00+00:00"}


def tweet(tweet_id: str, text: str, author: dict[str, str] | None, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": tweet_id, "text": text, "lang": "ar",
                            "edit_history_tweet_ids": [tweet_id], **extra}
    if author is not None:
        data["author_id"] = author["id"]
    return data


def lines() -> list[str]:
    page1 = {
        "data": [
            tweet("1457198623749074944", "مسرحية مكشوفة", SHAM,
                  created_at="2021-11-07T04:10:00.000Z",
                  entities={"urls": [{"url": "https://t.co/a", "expanded_url":
                                      "https://example.org/a"}]}),
            tweet("1457203656913850368", "RT @alishamkhani_ir: مسرحية…", QAIS,
                  created_at="2021-11-07T04:30:00.000Z",
                  referenced_tweets=[{"type": "retweeted", "id": "1457198623749074944"}]),
        ],
        "includes": {"users": [QAIS, SHAM],
                     "tweets": [tweet("1457198623749074944", "مسرحية مكشوفة", SHAM)]},
        "meta": {"result_count": 2}, "__twarc": TWARC,
    }
    page2 = {
        "data": [
            # Author not in this page's includes, but seen on page 1: attributed from data.
            tweet("1457211206661050368", "بلا تاريخ إنشاء", QAIS),
            tweet("1457216239825850368", "unknown author", {"id": "999"}),
            tweet("1457160875013050368", "نص معدل", QAIS,
                  created_at="2021-11-07T01:40:00.000Z",
                  edit_history_tweet_ids=["1457153325265850368", "1457160875013050368"]),
        ],
        "includes": {"tweets": [tweet("1457153325265850368", "نص أصلي", QAIS)]},
        "meta": {"result_count": 3}, "__twarc": TWARC,
    }
    flattened = {**tweet("1457241405649850368", "flattened line", None,
                         created_at="2021-11-07T07:00:00.000Z"),
                 "author_id": SHAM["id"], "author": SHAM, "__twarc": TWARC}
    return [
        json.dumps(page1, ensure_ascii=False),
        "",
        "{not json",
        json.dumps([1, 2, 3]),
        json.dumps({"meta": {"result_count": 0}, "__twarc": TWARC}),
        json.dumps(page2, ensure_ascii=False),
        json.dumps({"something": "else"}),
        json.dumps(flattened),
        json.dumps({"data": [tweet("1", "no author at all", None)]}),
    ]


def read(text: str) -> tuple[dict[str, PostRecord], list[RejectedRecord]]:
    items = list(read_twarc(io.BytesIO(text.encode("utf-8"))))
    return ({i.native_id: i for i in items if isinstance(i, PostRecord)},
            [i for i in items if isinstance(i, RejectedRecord)])


def test_pages_are_flattened_and_attributed() -> None:
    records, rejected = read("\n".join(lines()) + "\n")
    assert set(records) == {"1457198623749074944", "1457203656913850368", "1457211206661050368",
                            "1457153325265850368", "1457241405649850368"}
    original = records["1457198623749074944"]
    assert original.source == "alishamkhani_ir" and original.links == ["https://example.org/a"]
    assert original.posted_at == datetime(2021, 11, 7, 4, 10, tzinfo=UTC)
    retweet = records["1457203656913850368"]
    assert (retweet.source, retweet.kind, retweet.forwarded_from) == (
        "Qais_alkhazali", "retweet", "alishamkhani_ir")
    assert retweet.text == "مسرحية مكشوفة"
    derived = records["1457211206661050368"]
    assert derived.source == "Qais_alkhazali"
    assert derived.posted_at == datetime(2021, 11, 7, 5, 0, tzinfo=UTC)  # from the snowflake
    edited = records["1457153325265850368"]
    assert edited.text == "نص معدل" and edited.earlier_texts == ["نص أصلي"]
    assert edited.edited_at == datetime(2021, 11, 7, 1, 40, tzinfo=UTC)
    assert records["1457241405649850368"].source == "alishamkhani_ir"
    reasons = {r.location: r.reason for r in rejected}
    assert reasons["line 3"].startswith("invalid JSON")
    assert "expected a JSON object" in reasons["line 4"]
    assert "neither" in reasons["line 7"]
    assert "author_id 999 is not among the included users" in reasons["line 6, tweet #2"]
    assert "no author_id" in reasons["line 9"]
    assert len(rejected) == 5


def test_cli_import_stores_posts_with_their_file(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "collection.jsonl"
    path.write_text("\n".join(lines()) + "\n", encoding="utf-8")
    env = {"CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}
    result = CliRunner().invoke(cli, ["import", "twarc", str(path), "--json"], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    summary = json.loads(result.stdout)
    assert (summary["inserted"], summary["rejected"]) == (5, 5)
    with db.connection() as conn:
        stored = conn.execute("""SELECT p.native_id, p.version_count, p.import_file_id,
                                        s.handle, s.role, f.sha256
                                 FROM posts p JOIN sources s ON s.id = p.source_id
                                 JOIN import_files f ON f.id = p.import_file_id""").fetchall()
    assert {r["sha256"] for r in stored} == {hashlib.sha256(path.read_bytes()).hexdigest()}
    by_id = {r["native_id"]: r for r in stored}
    assert by_id["1457153325265850368"]["version_count"] == 2
    # Authors not on the watchlist become observer sources: stored, never counted.
    assert {r["handle"]: r["role"] for r in stored} == {
        "alishamkhani_ir": "observer", "Qais_alkhazali": "observer"}
