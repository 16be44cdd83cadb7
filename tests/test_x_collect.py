"""X collection: tweepy's real Client against cassettes in the documented API v2 shape
(tests/cassettes), into a real PostgreSQL database. No request reaches the network: vcrpy
runs with record_mode="none", so any request without a recording fails the test."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlparse

import pytest
import vcr
from vcr.cassette import Cassette

from collectors.x_api import x_client
from monitor.collecting import SourceRunResult, collect
from monitor.settings import Config, load_config
from storage import catalog
from storage import collection as store
from storage.database import Database
from tests.factories import add_source
from tests.secrets_support import empty_secrets_file

CASSETTES = Path(__file__).resolve().parent / "cassettes"
TOKEN = "AAAAAAAAAAAAAAAAAAAAAtest-bearer-0123456789"
NOW = datetime(2021, 11, 7, 2, 0, tzinfo=UTC)
# Query parameters that decide what a request asks for; field lists are left out.
KEY_PARAMS = ("since_id", "until_id", "pagination_token", "next_token", "ids", "query")
QAIS, SHAM = 1002003004, 2003004005


def _key_params(r1: Any, r2: Any) -> None:
    def keys(request: Any) -> dict[str, str]:
        return {k: v for k, v in parse_qsl(urlparse(request.uri).query) if k in KEY_PARAMS}
    assert keys(r1) == keys(r2), f"{keys(r1)} != {keys(r2)}"


def make_vcr(**options: Any) -> vcr.VCR:
    # decode_compressed_response also unzips recorded gzip bodies as a cassette loads: with
    # urllib3 2 they would otherwise reach the client still compressed (vcrpy issue 719).
    recorder = vcr.VCR(record_mode="none", decode_compressed_response=True, **options)
    recorder.register_matcher("key_params", _key_params)
    return recorder


@contextmanager
def cassette(name: str, **options: Any) -> Iterator[Cassette]:
    recorder = make_vcr(match_on=["method", "host", "path", "key_params"])
    with recorder.use_cassette(str(CASSETTES / f"{name}.yaml"), **options) as played:
        yield played


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(env={"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def run_x(config: Config, db: Database, *, now: datetime = NOW, sleep: Sleeps | None = None,
          sent: list[str] | None = None, **kwargs: Any) -> dict[str, SourceRunResult]:
    """One collection; the URLs tweepy actually requested are appended to `sent`."""
    def factory() -> Any:
        client = x_client(TOKEN)
        if sent is not None:
            client.session.hooks["response"].append(
                lambda response, *args, **kw: sent.append(response.request.url))
        return client
    results = asyncio.run(collect(config, db, platform="twitter", now=now,
                                  x_client_factory=factory, sleep=sleep or Sleeps(), **kwargs))
    return {r.handle: r for r in results}


def rows(db: Database, query: str, **params: Any) -> list[dict[str, Any]]:
    with db.connection() as conn:
        return conn.execute(query, params).fetchall()


def posts(db: Database) -> dict[str, dict[str, Any]]:
    return {r["native_id"]: r for r in rows(
        db, "SELECT p.*, s.handle FROM posts p JOIN sources s ON s.id = p.source_id")}


def state(db: Database, handle: str) -> dict[str, Any]:
    return rows(db, """SELECT cs.*, s.platform_id FROM sources s
                       LEFT JOIN collector_state cs ON cs.source_id = s.id
                       WHERE s.handle = %(h)s""", h=handle)[0]


def watch(db: Database, handle: str, user_id: int | None = None,
          checkpoint: str | None = None) -> int:
    source_id = add_source(db, "twitter", handle, f"{handle} actor", "iraqi_militia")
    with db.connection() as conn:
        if user_id is not None:
            store.save_resolved(conn, source_id, user_id)
        if checkpoint is not None:
            store.commit_page(conn, source_id, [], checkpoint=checkpoint, resume=None,
                              fetched_at=NOW)
    return source_id


def test_full_fields_with_includes(db: Database, config: Config) -> None:
    watch(db, "Qais_alkhazali")
    sent: list[str] = []
    with cassette("x_full_fields") as played:
        results = run_x(config, db, now=NOW + timedelta(hours=4), sent=sent)
    assert played.all_played
    params = dict(parse_qsl(urlparse(sent[1]).query))
    assert "edit_history_tweet_ids" in params["tweet.fields"]
    assert "referenced_tweets.id.author_id" in params["expansions"]
    assert results["Qais_alkhazali"].status == "ok" and results["Qais_alkhazali"].inserted == 4
    assert state(db, "Qais_alkhazali")["platform_id"] == QAIS
    stored = posts(db)
    plain = stored["1456637975327674368"]
    assert plain["posted_at"] == datetime(2021, 11, 5, 15, 2, 11, tzinfo=UTC)
    assert plain["links"] == ["https://example.org/statement?full=1"]
    assert plain["media"]["type"] == "photo" and plain["metrics"]["like_count"] == 20
    assert plain["url"] == "https://x.com/Qais_alkhazali/status/1456637975327674368"
    assert plain["lang"] == "ar" and plain["kind"] == "post"
    retweet = stored["1457203656913850368"]
    assert retweet["kind"] == "retweet"
    assert retweet["forwarded_from"] == "alishamkhani_ir"
    assert retweet["forwarded_from_id"] == "1457198623749074944"
    assert retweet["text"].startswith("ما حدث") and "…" not in retweet["text"]
    assert "https://example.org/original" in retweet["links"]
    quote = stored["1457211206661050368"]
    assert quote["kind"] == "quote" and quote["quote_of"] == "1457198623749074944"
    reply = stored["1457216239825850368"]
    assert reply["kind"] == "reply" and reply["reply_to"] == "1457198623749074944"
    assert reply["raw"]["tweet"]["conversation_id"] == "1457198623749074944"
    assert state(db, "Qais_alkhazali")["checkpoint"] == "1457216239825850368"
    [run] = rows(db, "SELECT * FROM collection_runs")
    assert run["rate_limit"]["remaining"] == 1499 and run["fetched"] == 4


def test_two_pages_follow_next_token(db: Database, config: Config) -> None:
    since = "1454961381995450368"
    watch(db, "Qais_alkhazali", QAIS, since)
    with cassette("x_two_pages") as played:
        results = run_x(config, db)
    assert played.all_played
    assert results["Qais_alkhazali"].inserted == 3
    assert sorted(posts(db)) == ["1455837152670650368", "1456561928401850368",
                                 "1456924316267450368"]
    assert state(db, "Qais_alkhazali")["checkpoint"] == "1456924316267450368"


def test_interrupted_pagination_resumes_below_what_was_stored(
    db: Database, config: Config
) -> None:
    since = "1454961381995450368"
    watch(db, "Qais_alkhazali", QAIS, since)
    sleeps = Sleeps()
    with cassette("x_page_two_fails"):
        failed = run_x(config, db, sleep=sleeps)["Qais_alkhazali"]
    assert failed.status == "failed" and "503" in (failed.error or "")
    assert len(sleeps.waits) == 4  # five attempts, four waits
    held = state(db, "Qais_alkhazali")
    assert held["checkpoint"] == since  # not moved: older tweets are still unread
    assert held["detail"]["resume"] == {"newest": "1456924316267450368",
                                        "until_id": "1456561928401850368"}
    with cassette("x_resume") as played:
        resumed = run_x(config, db, now=NOW + timedelta(hours=1))["Qais_alkhazali"]
    assert played.all_played and resumed.status == "ok" and resumed.inserted == 1
    done = state(db, "Qais_alkhazali")
    assert done["checkpoint"] == "1456924316267450368" and "resume" not in done["detail"]
    assert len(posts(db)) == 3


def test_server_error_is_retried_with_backoff(db: Database, config: Config) -> None:
    watch(db, "Qais_alkhazali", QAIS, "1454961381995450368")
    sleeps = Sleeps()
    with cassette("x_server_error") as played:
        result = run_x(config, db, sleep=sleeps)["Qais_alkhazali"]
    assert played.all_played and result.status == "ok" and result.inserted == 1
    assert len(sleeps.waits) == 1


def test_rate_limit_skips_sources_until_the_reset(db: Database, config: Config) -> None:
    watch(db, "alishamkhani_ir", SHAM)
    watch(db, "Qais_alkhazali", QAIS)
    reset = datetime(2021, 11, 7, 2, 30, tzinfo=UTC)  # the x-rate-limit-reset header
    with cassette("x_rate_limited") as played:
        results = run_x(config, db)
    assert played.play_count == 1  # the second source was not asked: the limit is known
    assert {r.status for r in results.values()} == {"rate_limited"}
    assert {r.rate_limited_until for r in results.values()} == {reset}
    assert state(db, "alishamkhani_ir")["rate_limited_until"] == reset
    with cassette("x_rate_limited") as played:
        waiting = run_x(config, db, now=NOW + timedelta(minutes=20))
    assert played.play_count == 0 and {r.status for r in waiting.values()} == {"skipped"}


def test_usage_cap_is_told_apart_and_stops_x(db: Database, config: Config) -> None:
    watch(db, "alishamkhani_ir", SHAM)
    watch(db, "Qais_alkhazali", QAIS)
    with cassette("x_usage_cap") as played:
        results = run_x(config, db)
    assert played.play_count == 1
    assert {r.status for r in results.values()} == {"cap_reached"}
    assert "Monthly product cap" in (results["alishamkhani_ir"].error or "")
    assert {state(db, h)["state"] for h in ("alishamkhani_ir", "Qais_alkhazali")} == {
        "cap_reached"}


def test_unauthorized_gives_a_credentials_message_without_the_token(
    db: Database, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    watch(db, "Qais_alkhazali")
    with cassette("x_unauthorized"):
        result = run_x(config, db)["Qais_alkhazali"]
    assert result.status == "failed"
    assert "401" in (result.error or "") and "x_bearer_token" in (result.error or "")
    assert TOKEN not in caplog.text and TOKEN not in (result.error or "")
    assert TOKEN not in str(rows(db, "SELECT * FROM collection_runs"))


def test_forbidden_stops_x_with_the_reason(db: Database, config: Config) -> None:
    watch(db, "alishamkhani_ir", SHAM)
    watch(db, "Qais_alkhazali", QAIS)
    with cassette("x_forbidden") as played:
        results = run_x(config, db)
    assert played.play_count == 1  # the first 403 stops X: the second source is not asked
    first = results["alishamkhani_ir"]
    assert first.status == "failed" and "403 Forbidden" in (first.error or "")
    assert "attached to a Project" in (first.error or "")
    assert results["Qais_alkhazali"].status == "failed"
    assert results["Qais_alkhazali"].error == first.error


def test_edits_become_versions(db: Database, config: Config) -> None:
    watch(db, "Qais_alkhazali", QAIS)
    with cassette("x_edited") as played:
        run_x(config, db)
        second = run_x(config, db, now=NOW + timedelta(hours=1))["Qais_alkhazali"]
        assert played.all_played
    assert (second.inserted, second.updated) == (1, 1)
    stored = posts(db)
    assert sorted(stored) == ["1457153325265850368", "1457165908177850368"]
    edited = stored["1457153325265850368"]  # kept under the id of its first version
    assert edited["version_count"] == 2 and "وأمريكا" in edited["text"]
    assert edited["posted_at"] == datetime(2021, 11, 7, 1, 10, tzinfo=UTC)
    assert edited["edited_at"] == datetime(2021, 11, 7, 1, 40, tzinfo=UTC)
    assert edited["raw"]["tweet"]["id"] == "1457160875013050368"  # the evidence is current
    arrived_edited = stored["1457165908177850368"]
    versions = rows(db, """SELECT v.version, v.text FROM post_versions v
                           WHERE v.post_id = %(id)s ORDER BY v.version""",
                    id=arrived_edited["id"])
    assert [(v["version"], v["text"]) for v in versions] == [(1, "نص بخطأ"), (2, "نص مصحح")]
    assert arrived_edited["posted_at"] == datetime(2021, 11, 7, 2, 0, tzinfo=UTC)


def test_recheck_marks_deleted_tweets(db: Database, config: Config) -> None:
    watch(db, "Qais_alkhazali", QAIS)
    later = datetime(2021, 11, 7, 9, 0, tzinfo=UTC)
    with cassette("x_recheck") as played:
        run_x(config, db, now=datetime(2021, 11, 7, 8, 0, tzinfo=UTC))
        result = run_x(config, db, now=later)["Qais_alkhazali"]
        assert played.all_played
    assert result.deleted == 1
    stored = posts(db)
    assert stored["1457226306155450368"]["deleted_seen_at"] == later
    assert stored["1457241405649850368"]["deleted_seen_at"] is None
    assert rows(db, "SELECT reads FROM x_read_budget")[0]["reads"] == 3  # 2 + 1 re-read
    sent: list[str] = []
    with cassette("x_recheck", allow_playback_repeats=True):
        run_x(config, db, now=later + timedelta(hours=2), sent=sent)
    # Lookups spend the read budget: within six hours of the last re-check, none is made.
    assert sent and not any("/2/tweets?" in url for url in sent)


def test_monthly_budget_stops_before_it_is_exceeded(db: Database, config: Config) -> None:
    watch(db, "Qais_alkhazali", QAIS)
    limited = config.with_overrides(x_monthly_read_budget=12)
    sent: list[str] = []
    with cassette("x_budget"):
        first = run_x(limited, db, sent=sent)["Qais_alkhazali"]
    assert dict(parse_qsl(urlparse(sent[0]).query))["max_results"] == "12"
    assert first.status == "ok" and first.inserted == 10
    with cassette("x_budget") as played:
        second = run_x(limited, db, now=NOW + timedelta(hours=1))["Qais_alkhazali"]
        assert played.play_count == 0  # 2 reads left: less than the smallest page (5)
    assert second.status == "cap_reached" and "x_monthly_read_budget" in (second.error or "")
    assert state(db, "Qais_alkhazali")["rate_limited_until"] == datetime(2021, 12, 1, tzinfo=UTC)
    assert rows(db, "SELECT month, reads FROM x_read_budget") == [
        {"month": datetime(2021, 11, 1).date(), "reads": 10}]


def test_saved_search_attributes_tweets_to_their_authors(db: Database, config: Config) -> None:
    with db.connection() as conn:
        catalog.upsert_source(conn, catalog.SourceSpec(
            platform="twitter", handle="watch-false-flag", role="observer", kind="search",
            query='"false flag"'))
    with cassette("x_search") as played:
        result = run_x(config, db, now=NOW + timedelta(hours=3))["watch-false-flag"]
        assert played.all_played
    assert (result.status, result.inserted, result.errors) == ("ok", 2, 1)
    stored = posts(db)
    assert {p["handle"] for p in stored.values()} == {"alishamkhani_ir", "Qais_alkhazali"}
    assert "1457192332293050368" not in stored  # its author is unknown: reported, not guessed
    assert state(db, "watch-false-flag")["checkpoint"] == "1457192332293050368"
