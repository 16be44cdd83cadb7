"""The demo replay through the normal collection entry point: posts, forwards, edits and
deletions must land exactly as the clock reveals them, through Telethon's types and tweepy's
real Client, with no side door into the database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from collectors.replay import Replay
from collectors.replay_corpus import ReplayCorpus, ReplayPost
from collectors.replay_x import snowflake
from monitor.collecting import collect
from monitor.seeding import sync_seeds
from monitor.settings import Config, load_config
from seeds.replay import corpus_file
from storage.database import Database
from tests.factories import add_source
from tests.secrets_support import empty_secrets_file


def at(hour: int, minute: int = 0, day: int = 7) -> datetime:
    return datetime(2021, 11, day, hour, minute, tzinfo=UTC)


def tweet_id(moment: datetime, n: int) -> str:
    return snowflake(moment, 5, n)


T1, T2, T3, S1, T5 = (tweet_id(at(10, 5), 1), tweet_id(at(10, 35), 2), tweet_id(at(10, 50), 3),
                      tweet_id(at(10, 15), 4), tweet_id(at(11, 40), 5))
T4 = tweet_id(at(11, 20), 6)
TINY: list[dict[str, object]] = [  # replay corpus lines, as JSON
    {"platform": "telegram", "source": "Tura313", "id": "500", "posted_at": "2021-11-07T09:00:00+00:00",
     "text": "خاص | بيان https://example.org/s", "lang": "ar", "views": 900, "media": "photo",
     "links": ["https://example.org/s"], "expected_narratives": ["false_flag"]},
    {"platform": "telegram", "source": "sabreenS1", "id": "100", "posted_at": "2021-11-07T10:00:00+00:00",
     "text": "عاجل", "lang": "ar", "expected_narratives": []},
    {"platform": "telegram", "source": "sabreenS1", "id": "101", "posted_at": "2021-11-07T10:30:00+00:00",
     "text": "النسخة الأولى", "lang": "ar",
     "edits": [{"at": "2021-11-07T11:30:00+00:00", "text": "النسخة الثانية"}]},
    {"platform": "telegram", "source": "sabreenS1", "id": "102", "posted_at": "2021-11-07T10:40:00+00:00",
     "text": "ستحذف", "lang": "ar", "deleted_at": "2021-11-07T12:10:00+00:00"},
    {"platform": "telegram", "source": "sabreenS1", "id": "103", "posted_at": "2021-11-07T11:00:00+00:00",
     "text": "خاص | بيان https://example.org/s", "lang": "ar",
     "forward_of": {"source": "Tura313", "id": "500"}},
    {"platform": "twitter", "source": "alishamkhani_ir", "id": S1, "posted_at": "2021-11-07T10:15:00+00:00",
     "text": "مسرحية مكشوفة", "lang": "fa", "links": ["https://example.org/x"]},
    {"platform": "twitter", "source": "Qais_alkhazali", "id": T1, "posted_at": "2021-11-07T10:05:00+00:00",
     "text": "تغريدة", "lang": "ar"},
    {"platform": "twitter", "source": "Qais_alkhazali", "id": T2, "posted_at": "2021-11-07T10:35:00+00:00",
     "text": "قبل التعديل", "lang": "ar",
     "edits": [{"at": "2021-11-07T11:10:00+00:00", "text": "بعد التعديل"}]},
    {"platform": "twitter", "source": "Qais_alkhazali", "id": T3, "posted_at": "2021-11-07T10:50:00+00:00",
     "text": "ستحذف", "lang": "ar", "deleted_at": "2021-11-07T12:20:00+00:00"},
    {"platform": "twitter", "source": "Qais_alkhazali", "id": T4, "posted_at": "2021-11-07T11:20:00+00:00",
     "text": "مسرحية مكشوفة", "lang": "fa", "retweet_of": {"source": "alishamkhani_ir", "id": S1}},
    {"platform": "twitter", "source": "Qais_alkhazali", "id": T5, "posted_at": "2021-11-07T11:40:00+00:00",
     "text": "رد", "lang": "ar", "reply_to": {"source": "alishamkhani_ir", "id": S1},
     "quote_of": {"source": "alishamkhani_ir", "id": S1}},
]


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(env={"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})


def write_corpus(path: Path, lines: Sequence[Mapping[str, object]]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                    encoding="utf-8")
    return path


async def replay_steps(config: Config, db: Database, replay: Replay,
                       moments: list[datetime]) -> list[Any]:
    """Collect at each moment, as the demo does: set the clock, call the entry point."""
    results: list[Any] = []
    for moment in moments:
        replay.clock.set(moment)
        results += await collect(config, db, now=moment, include_illustrative=True,
                                 telegram_client_factory=replay.telegram_client,
                                 x_client_factory=replay.x_client)
    return results


def rows(db: Database, query: str) -> list[dict[str, Any]]:
    with db.connection() as conn:
        return conn.execute(query).fetchall()


def test_tiny_corpus_lands_posts_versions_deletions_and_forwards(
    db: Database, config: Config, tmp_path: Path
) -> None:
    for platform, handle in (("telegram", "Tura313"), ("telegram", "sabreenS1"),
                             ("twitter", "alishamkhani_ir"), ("twitter", "Qais_alkhazali")):
        add_source(db, platform, handle, f"{handle} actor", "militia_media")
    replay = Replay.from_file(write_corpus(tmp_path / "corpus.jsonl", TINY))
    # Hourly, then once more after X's re-check interval (X lookups spend the read budget,
    # so its recent window is re-read at most every six hours; Telegram's on every run).
    moments = [at(9, 30) + timedelta(hours=n) for n in range(4)] + [at(17, 30)]
    results = asyncio.run(replay_steps(config, db, replay, moments))
    assert {r.status for r in results} == {"ok"}
    posts = {r["native_id"]: r for r in rows(db, """
        SELECT p.*, s.handle FROM posts p JOIN sources s ON s.id = p.source_id""")}
    assert set(posts) == {"500", "100", "101", "102", "103", S1, T1, T2, T3, T4, T5}
    edited = posts["101"]
    assert (edited["text"], edited["version_count"]) == ("النسخة الثانية", 2)
    assert edited["edited_at"] == at(11, 30)
    assert posts["102"]["deleted_seen_at"] == at(12, 30)  # the first re-check after 12:10
    forward = posts["103"]
    assert (forward["kind"], forward["forwarded_from"], forward["forwarded_from_id"]) == (
        "forward", "Tura313", "500")
    photo = posts["500"]
    assert photo["media"]["type"] == "photo" and photo["links"] == ["https://example.org/s"]
    assert photo["metrics"]["views"] == 900 and photo["url"] == "https://t.me/Tura313/500"
    x_edit = posts[T2]
    assert (x_edit["text"], x_edit["version_count"]) == ("بعد التعديل", 2)
    assert x_edit["edited_at"] == at(11, 10) and x_edit["posted_at"] == at(10, 35)
    assert posts[T3]["deleted_seen_at"] == at(17, 30)  # re-checked at 11:30, then 17:30
    retweet = posts[T4]
    assert (retweet["kind"], retweet["forwarded_from"], retweet["forwarded_from_id"]) == (
        "retweet", "alishamkhani_ir", S1)
    assert (posts[T5]["kind"], posts[T5]["quote_of"], posts[T5]["reply_to"]) == ("quote", S1, S1)
    assert rows(db, "SELECT count(*) AS n FROM labels")[0]["n"] == 0  # ground truth stays out
    versions = rows(db, """SELECT v.version, v.text, v.seen_at FROM post_versions v
                           JOIN posts p ON p.id = v.post_id WHERE p.native_id = '101'
                           ORDER BY v.version""")
    assert [(v["version"], v["seen_at"]) for v in versions] == [(1, at(10, 30)), (2, at(11, 30))]
    # tweepy's Client made real API v2 requests, answered by the replay at the HTTP boundary.
    calls = replay.x_adapter.calls
    assert any("/2/users/by/username/Qais_alkhazali" in c for c in calls)
    assert any("/tweets?" in c and "since_id=" in c for c in calls)
    assert any("/2/tweets?" in c and "&ids=" in c for c in calls)  # the re-check lookup


def observed(post: ReplayPost, steps: list[datetime], window: timedelta) -> tuple[int, bool]:
    """What collecting at `steps` can see of a post: how many versions, and whether it is
    seen gone. Telegram shows only the current text (each re-read within the window may find
    a new one); an X tweet carries its whole edit history."""
    texts: list[str] = []
    gone = False
    for moment in steps:
        if moment < post.posted_at:
            continue
        if texts and moment - post.posted_at > window:
            break  # out of the re-check window
        if not post.visible_at(moment):
            gone = bool(texts)
            break
        text = post.text_at(moment)[0]
        if not texts or texts[-1] != text:
            texts.append(text)
    if post.platform == "twitter" and texts:
        return 1 + len(post.edits_until(steps[-1])), gone
    return len(texts), gone


def test_a_slice_of_the_bundled_corpus_replays_through_collection(
    db: Database, config: Config, tmp_path: Path
) -> None:
    corpus = ReplayCorpus.load(Path(str(corpus_file())))
    start, end = at(18, day=6), at(18)  # the night of the attack
    chosen = [p for p in corpus.posts if start <= p.posted_at < end]
    source_lines = [json.loads(line) for line in
                    Path(str(corpus_file())).read_text(encoding="utf-8").splitlines() if line]
    keys = {(p.platform, p.id) for p in chosen}
    lines = [line for line in source_lines if (line["platform"], line["id"]) in keys]
    replay = Replay.from_file(write_corpus(tmp_path / "slice.jsonl", lines))
    sync_seeds(db, include_replay=True)
    # Every two hours through the day, then a two-day tail in which late edits and deletions
    # are still re-read.
    steps = ([start + timedelta(hours=2 * n) for n in range(1, 13)]
             + [end + timedelta(hours=12 * n) for n in range(1, 5)])
    results = asyncio.run(replay_steps(config, db, replay, steps))
    assert {r.status for r in results} == {"ok"}
    window = timedelta(hours=float(config.recheck_window_hours))
    expected = {(p.platform, p.id): (p, *observed(p, steps, window)) for p in chosen}
    stored = {(r["platform"], r["native_id"]): r for r in rows(db, "SELECT * FROM posts")}
    assert set(stored) == {key for key, (_, versions, _) in expected.items() if versions}
    assert any(versions > 1 for _, versions, _ in expected.values())  # the slice has edits
    assert any(gone for _, _, gone in expected.values())  # ... and deletions
    for key, row in stored.items():
        post, versions, gone = expected[key]
        assert row["version_count"] == versions, post.id
        assert row["text"] == post.text_at(min(steps[-1], post.deleted_at or steps[-1]))[0]
        assert (row["deleted_seen_at"] is not None) == gone, post.id
        if post.forward_of is not None:
            assert row["forwarded_from"] == post.forward_of.source
            assert row["forwarded_from_id"] == post.forward_of.id
    assert rows(db, "SELECT count(*) AS n FROM labels")[0]["n"] == 0
