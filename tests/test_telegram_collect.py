"""Telegram collection through the fake client, into a real PostgreSQL database."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telethon import errors
from telethon.tl import types

from monitor.collecting import SourceRunResult, collect
from monitor.settings import Config, load_config
from storage.database import Database
from tests.factories import add_source
from tests.secrets_support import empty_secrets_file
from tests.test_telegram_fake import BASE_TIME, FakeTelegram, channel_id_for, message

NOW = BASE_TIME + timedelta(days=1)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(env={"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def run_collect(config: Config, db: Database, fake: FakeTelegram, *, now: datetime = NOW,
                sleep: Sleeps | None = None, **kwargs: Any) -> list[SourceRunResult]:
    return asyncio.run(collect(config, db, platform="telegram", now=now,
                               telegram_client_factory=lambda: fake,
                               sleep=sleep or Sleeps(), **kwargs))


def rows(db: Database, query: str, **params: Any) -> list[dict[str, Any]]:
    with db.connection() as conn:
        return conn.execute(query, params).fetchall()


def state(db: Database, handle: str) -> dict[str, Any]:
    found = rows(db, """SELECT cs.*, s.platform_id, s.access_hash FROM sources s
                        LEFT JOIN collector_state cs ON cs.source_id = s.id
                        WHERE s.handle = %(h)s""", h=handle)
    return found[0]


def native_ids(db: Database, handle: str) -> list[int]:
    found = rows(db, """SELECT p.native_id FROM posts p JOIN sources s ON s.id = p.source_id
                        WHERE s.handle = %(h)s""", h=handle)
    return sorted(int(r["native_id"]) for r in found)


def watch(db: Database, *handles: str) -> None:
    for handle in handles:
        add_source(db, "telegram", handle, f"{handle} actor", "militia_media")


def test_channel_is_resolved_once_and_kept(db: Database, config: Config) -> None:
    fake = FakeTelegram()
    entry = fake.add_channel("Tura313", [message("Tura313", i) for i in range(1, 4)])
    watch(db, "Tura313")
    first = run_collect(config, db, fake)
    assert [r.status for r in first] == ["ok"]
    kept = state(db, "Tura313")
    assert (kept["platform_id"], kept["access_hash"]) == (entry.channel_id, entry.access_hash)
    fake.add("Tura313", message("Tura313", 4))
    run_collect(config, db, fake, now=NOW + timedelta(hours=1))
    assert fake.resolved == ["Tura313"]  # the second run used the stored id and hash
    assert native_ids(db, "Tura313") == [1, 2, 3, 4]


def test_pages_follow_the_checkpoint_oldest_first(db: Database, config: Config) -> None:
    fake = FakeTelegram()
    fake.add_channel("Tura313", [message("Tura313", i) for i in range(1, 251)])
    watch(db, "Tura313")
    config = config.with_overrides(telegram_page_size=100)
    [result] = run_collect(config, db, fake)
    assert (result.fetched, result.inserted) == (250, 250)
    assert [p["min_id"] for p in fake.history_requests("Tura313")] == [0, 100, 200]
    assert all(p["reverse"] and p["limit"] == 100 for p in fake.history_requests("Tura313"))
    assert state(db, "Tura313")["checkpoint"] == "250"


def test_interrupted_run_resumes_without_gaps_or_duplicates(db: Database, config: Config) -> None:
    fake = FakeTelegram()
    fake.add_channel("Tura313", [message("Tura313", i) for i in range(1, 351)])
    watch(db, "Tura313")
    config = config.with_overrides(telegram_page_size=50)
    # The connection drops for good after three pages (k = 3): retries run out.
    fake.fail("history", ConnectionError("connection reset"), after=3, times=-1)
    sleeps = Sleeps()
    [broken] = run_collect(config, db, fake, sleep=sleeps)
    assert broken.status == "failed" and "after 5 attempts" in (broken.error or "")
    assert sleeps.waits and sleeps.waits == sorted(sleeps.waits)  # backoff grows
    assert native_ids(db, "Tura313") == list(range(1, 151))
    assert state(db, "Tura313")["checkpoint"] == "150"

    healthy = FakeTelegram()
    healthy.add_channel("Tura313", fake.messages(channel_id_for("Tura313")))
    [resumed] = run_collect(config, db, healthy, now=NOW + timedelta(hours=1))
    assert resumed.status == "ok" and resumed.inserted == 200
    assert healthy.history_requests("Tura313")[0]["min_id"] == 150
    assert native_ids(db, "Tura313") == list(range(1, 351))  # each message exactly once
    counts = rows(db, "SELECT count(*) AS posts, sum(version_count) AS versions FROM posts")[0]
    assert (counts["posts"], counts["versions"]) == (350, 350)


class CheckpointWitness(FakeTelegram):
    """Before each history request, looks at the database from another connection: the stored
    checkpoint must never be ahead of the posts committed for it."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.seen: list[tuple[str | None, int]] = []

    def before_request(self, kind: str, params: dict[str, Any]) -> None:
        if kind == "history":
            with self.db.connect() as conn:
                row = conn.execute(
                    """SELECT cs.checkpoint,
                              (SELECT max(native_id::bigint) FROM posts p
                               WHERE p.source_id = s.id) AS newest
                       FROM sources s LEFT JOIN collector_state cs ON cs.source_id = s.id
                       WHERE s.handle = 'Tura313'""").fetchone()
            assert row is not None
            self.seen.append((row["checkpoint"], int(row["newest"] or 0)))
            assert params["min_id"] == int(row["checkpoint"] or 0)
        super().before_request(kind, params)


def test_checkpoint_never_passes_uncommitted_data(db: Database, config: Config) -> None:
    witness = CheckpointWitness(db)
    witness.add_channel("Tura313", [message("Tura313", i) for i in range(1, 131)])
    watch(db, "Tura313")
    run_collect(config.with_overrides(telegram_page_size=40), db, witness)
    assert witness.seen == [(None, 0), ("40", 40), ("80", 80), ("120", 120)]


def test_short_flood_wait_is_slept_through(db: Database, config: Config) -> None:
    fake = FakeTelegram()
    fake.add_channel("Tura313", [message("Tura313", i) for i in range(1, 6)])
    watch(db, "Tura313")
    fake.fail("history", errors.FloodWaitError(request=None, capture=12))
    sleeps = Sleeps()
    [result] = run_collect(config.with_overrides(flood_wait_threshold_s=30), db, fake,
                           sleep=sleeps)
    assert result.status == "ok" and result.inserted == 5
    assert sleeps.waits == [12.0]


def test_long_flood_wait_marks_the_source_and_goes_on(db: Database, config: Config) -> None:
    fake = FakeTelegram()
    fake.add_channel("sabreenS1", [message("sabreenS1", i) for i in range(1, 4)])
    fake.add_channel("Tura313", [message("Tura313", i) for i in range(1, 4)])
    watch(db, "Tura313", "sabreenS1")
    fake.fail("history", errors.FloodWaitError(request=None, capture=3600), channel="sabreenS1")
    sleeps = Sleeps()
    results = {r.handle: r for r in run_collect(
        config.with_overrides(flood_wait_threshold_s=30), db, fake, sleep=sleeps)}
    assert sleeps.waits == []
    assert results["sabreenS1"].status == "rate_limited"
    assert results["Tura313"].status == "ok" and native_ids(db, "Tura313") == [1, 2, 3]
    limited = state(db, "sabreenS1")
    assert limited["state"] == "rate_limited"
    assert limited["rate_limited_until"] == NOW + timedelta(seconds=3600)
    run_log = rows(db, """SELECT r.status, r.rate_limit FROM collection_runs r
                          JOIN sources s ON s.id = r.source_id WHERE s.handle = 'sabreenS1'""")
    assert run_log[0]["status"] == "rate_limited" and "until" in run_log[0]["rate_limit"]

    asked = len(fake.history_requests("sabreenS1"))
    later = {r.handle: r for r in run_collect(config, db, fake, now=NOW + timedelta(minutes=30))}
    assert later["sabreenS1"].status == "skipped"  # still waiting: not asked again
    assert len(fake.history_requests("sabreenS1")) == asked
    after = {r.handle: r for r in run_collect(config, db, fake, now=NOW + timedelta(hours=2))}
    assert after["sabreenS1"].status == "ok" and native_ids(db, "sabreenS1") == [1, 2, 3]


@pytest.mark.parametrize(("error", "where", "reason"), [
    (errors.ChannelPrivateError(request=None), "history", "private"),
    (errors.UsernameNotOccupiedError(request=None), "resolve", "no channel"),
    (errors.UsernameInvalidError(request=None), "resolve", "not valid"),
])
def test_unreadable_channel_is_marked_failed_and_others_go_on(
    db: Database, config: Config, error: Exception, where: str, reason: str
) -> None:
    fake = FakeTelegram()
    fake.add_channel("Tura313", [message("Tura313", 1)])
    fake.add_channel("sabreenS1", [message("sabreenS1", 1)])
    watch(db, "Tura313", "sabreenS1")
    fake.fail(where, error, channel="sabreenS1", times=-1)
    results = {r.handle: r for r in run_collect(config, db, fake)}
    assert results["sabreenS1"].status == "failed"
    assert reason in (results["sabreenS1"].error or "")
    assert results["Tura313"].status == "ok"
    failed = state(db, "sabreenS1")
    assert failed["state"] == "failed" and reason in failed["last_error"]


@pytest.mark.parametrize("lost", ["duplicated", "unauthorised"])
def test_lost_session_stops_telegram_with_a_login_message(
    db: Database, config: Config, lost: str
) -> None:
    fake = FakeTelegram()
    fake.add_channel("Tura313", [message("Tura313", 1)])
    fake.add_channel("sabreenS1", [message("sabreenS1", 1)])
    watch(db, "Tura313", "sabreenS1")
    if lost == "duplicated":
        fake.fail("history", errors.AuthKeyDuplicatedError(request=None), times=-1)
    else:
        fake.authorised = False
    results = run_collect(config, db, fake)
    assert {r.status for r in results} == {"logged_out"}
    assert all("chorus telegram login" in (r.error or "") for r in results)
    assert {state(db, h)["state"] for h in ("Tura313", "sabreenS1")} == {"logged_out"}
    assert len(fake.history_requests("sabreenS1")) + len(fake.history_requests("Tura313")) <= 1


def test_missing_credentials_mark_sources_logged_out(db: Database, config: Config) -> None:
    watch(db, "Tura313")
    results = asyncio.run(collect(config, db, platform="telegram", now=NOW))
    assert [r.status for r in results] == ["logged_out"]
    assert "chorus telegram login" in (results[0].error or "")


def test_transient_connection_error_is_retried(db: Database, config: Config) -> None:
    fake = FakeTelegram()
    fake.add_channel("Tura313", [message("Tura313", i) for i in range(1, 4)])
    watch(db, "Tura313")
    fake.fail("history", ConnectionError("reset by peer"), times=2)
    sleeps = Sleeps()
    [result] = run_collect(config, db, fake, sleep=sleeps)
    assert result.status == "ok" and native_ids(db, "Tura313") == [1, 2, 3]
    assert len(sleeps.waits) == 2 and sleeps.waits[1] > sleeps.waits[0]


def test_recheck_window_finds_edits_and_deletions(db: Database, config: Config) -> None:
    fake = FakeTelegram()
    fake.add_channel("Tura313", [
        message("Tura313", 1, "old post", minutes=-3 * 24 * 60),  # outside a 48 h window
        message("Tura313", 2, "first words"),
        message("Tura313", 3, "will vanish"),
        message("Tura313", 4, "stays"),
    ])
    watch(db, "Tura313")
    run_collect(config, db, fake)
    fake.edit("Tura313", 2, "second words", NOW + timedelta(minutes=20))
    fake.delete("Tura313", 3)
    fake.delete("Tura313", 1)
    later = NOW + timedelta(hours=1)
    [result] = run_collect(config, db, fake, now=later)
    assert (result.updated, result.deleted) == (1, 1)
    rechecked = [p["ids"] for _, p in fake.requests if p["ids"] is not None]
    assert rechecked == [[2, 3, 4]]
    posts = {r["native_id"]: r for r in rows(db, "SELECT * FROM posts")}
    assert posts["2"]["text"] == "second words" and posts["2"]["version_count"] == 2
    assert posts["3"]["deleted_seen_at"] == later
    assert posts["1"]["deleted_seen_at"] is None  # outside the window: not re-read
    versions = rows(db, """SELECT v.version, v.text, v.edited_at FROM post_versions v
                           JOIN posts p ON p.id = v.post_id WHERE p.native_id = '2'
                           ORDER BY v.version""")
    assert [(v["version"], v["text"]) for v in versions] == [(1, "first words"),
                                                            (2, "second words")]
    assert versions[1]["edited_at"] == NOW + timedelta(minutes=20)


def test_runs_are_recorded(db: Database, config: Config) -> None:
    fake = FakeTelegram()
    fake.add_channel("Tura313", [message("Tura313", i) for i in range(1, 4)])
    watch(db, "Tura313")
    run_collect(config, db, fake)
    [logged] = rows(db, "SELECT * FROM collection_runs")
    assert logged["status"] == "ok" and logged["platform"] == "telegram"
    assert (logged["fetched"], logged["inserted"], logged["errors"]) == (3, 3, 0)
    assert logged["started_at"] == NOW and logged["finished_at"] == NOW
    done = state(db, "Tura313")
    assert done["state"] == "ok" and done["last_success_at"] == NOW
    from storage.collection import latest_runs
    with db.connection() as conn:
        [latest] = latest_runs(conn, platform="telegram")
    assert (latest["handle"], latest["inserted"], latest["status"]) == ("Tura313", 3, "ok")


def test_service_messages_advance_the_checkpoint_but_are_not_posts(
    db: Database, config: Config
) -> None:
    fake = FakeTelegram()
    service = types.MessageService(
        id=3, peer_id=types.PeerChannel(channel_id_for("Tura313")), date=BASE_TIME,
        action=types.MessageActionPinMessage())
    fake.add_channel("Tura313", [message("Tura313", 1), message("Tura313", 2)])
    fake.add("Tura313", service)
    watch(db, "Tura313")
    run_collect(config, db, fake)
    assert native_ids(db, "Tura313") == [1, 2]
    assert state(db, "Tura313")["checkpoint"] == "3"


def test_not_due_sources_wait_for_their_interval(db: Database, config: Config) -> None:
    fake = FakeTelegram()
    fake.add_channel("Tura313", [message("Tura313", 1)])
    watch(db, "Tura313")
    run_collect(config, db, fake)
    assert run_collect(config, db, fake, now=NOW + timedelta(minutes=5)) == []
    forced = asyncio.run(collect(config, db, source="Tura313", now=NOW + timedelta(minutes=5),
                                 telegram_client_factory=lambda: fake, sleep=Sleeps()))
    assert [r.status for r in forced] == ["ok"]


def test_real_client_is_built_from_secrets_with_flood_waits_left_to_the_collector() -> None:
    from telethon import TelegramClient
    from telethon.crypto import AuthKey
    from telethon.sessions import StringSession

    from collectors.telegram_api import TelegramNotConfigured, telethon_client

    session = StringSession()
    session.set_dc(2, "149.154.167.51", 443)
    session.auth_key = AuthKey(bytes(range(256)))
    client = telethon_client("12345", "0123456789abcdef0123456789abcdef", session.save())
    assert isinstance(client, TelegramClient)
    assert client.flood_sleep_threshold == 0  # every FloodWaitError reaches our threshold
    assert not client.is_connected()
    with pytest.raises(TelegramNotConfigured, match="numeric id"):
        telethon_client("abc", "hash", session.save())


def test_retry_policy_backs_off_gives_up_and_lets_other_errors_through() -> None:
    from collectors.retry import RetriesExhausted, RetryPolicy, retry_async, retry_sync

    policy = RetryPolicy(attempts=4, base_delay_s=1.0, max_delay_s=3.0, jitter=0.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 3.0, 3.0]
    outcomes: list[BaseException | str] = [ConnectionError("a"), TimeoutError("b"), "done"]
    waits: list[float] = []

    def flaky() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    assert retry_sync(flaky, retry_on=(ConnectionError, TimeoutError), what="x",
                      policy=policy, sleep=waits.append) == "done"
    assert waits == [1.0, 2.0]

    def broken() -> str:
        raise ConnectionError("down")

    with pytest.raises(RetriesExhausted) as exhausted:
        retry_sync(broken, retry_on=(ConnectionError,), what="reading", policy=policy,
                   sleep=waits.append)
    assert exhausted.value.attempts == 4 and isinstance(exhausted.value.last, ConnectionError)

    async def wrong() -> str:
        raise ValueError("not transient")

    sleeps = Sleeps()
    with pytest.raises(ValueError):
        asyncio.run(retry_async(wrong, retry_on=(ConnectionError,), what="x", policy=policy,
                                sleep=sleeps))
    assert sleeps.waits == []
