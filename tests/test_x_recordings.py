"""tweepy's real code against real recorded X API v2 responses (../shared/recordings/x-api-v2).

Those responses carry only `id`, `text` and `edit_history_tweet_ids`: no `created_at`, no
author, no includes. The collector must still store ids and texts exactly and derive each
post's time from its snowflake id; search results without an author must be reported.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from collectors.x_api import x_client
from collectors.x_mapping import snowflake_time
from monitor.collecting import collect
from monitor.settings import Config, load_config
from storage import catalog
from storage.database import Database
from tests.conftest import SHARED
from tests.factories import add_source
from tests.secrets_support import empty_secrets_file
from tests.test_x_collect import TOKEN, Sleeps, make_vcr, rows

RECORDINGS = SHARED / "recordings" / "x-api-v2"
NOW = datetime(2022, 10, 8, tzinfo=UTC)
# The recordings were made without the parameters the collector sends: match on the path.
MATCH = ["method", "host", "path"]


def combined(tmp_path: Path, *names: str) -> str:
    """Several unchanged recordings in one cassette (a run makes requests from each)."""
    interactions: list[Any] = []
    for name in names:
        interactions += yaml.safe_load((RECORDINGS / f"{name}.yaml").read_text())["interactions"]
    path = tmp_path / "combined.yaml"
    path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))
    return str(path)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(env={"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})


def run_x(config: Config, db: Database) -> Any:
    return asyncio.run(collect(config, db, platform="twitter", now=NOW, sleep=Sleeps(),
                               x_client_factory=lambda: x_client(TOKEN)))


def test_recorded_timeline_stores_ids_texts_and_derived_times(
    db: Database, config: Config, tmp_path: Path
) -> None:
    add_source(db, "twitter", "Twitter", "Twitter Inc", "news_outlet", role="observer")
    cassette = combined(tmp_path, "test_client_get_user", "test_client_get_users_tweets")
    # The recorded page offers a next_token whose page was not recorded: replaying the same
    # page for it shows that a repeated token ends the pagination instead of looping.
    with make_vcr(match_on=MATCH).use_cassette(cassette, allow_playback_repeats=True) as played:
        [result] = run_x(config, db)
    assert played.play_count == 3  # user lookup, page, the page again for its token
    assert result.status == "ok" and result.inserted == 2
    stored = {r["native_id"]: r for r in rows(db, "SELECT * FROM posts")}
    assert set(stored) == {"1577730467436138524", "1565318587736285184"}
    first = stored["1577730467436138524"]
    assert first["text"] == (
        "whoa, it works\n\nnow everyone can mix GIFs, videos, and images in one Tweet, "
        "available on iOS and Android https://t.co/3OQ4eGsUku https://t.co/LVVolAQPZi")
    assert first["posted_at"] == snowflake_time("1577730467436138524")
    assert first["posted_at"] == datetime(2022, 10, 5, 18, 40, 30, 908000, tzinfo=UTC)
    second = stored["1565318587736285184"]
    assert second["text"].startswith("if you see an edited Tweet")
    assert second["posted_at"] == datetime(2022, 9, 1, 12, 40, 8, 186000, tzinfo=UTC)
    assert first["url"] == "https://x.com/Twitter/status/1577730467436138524"
    source = rows(db, """SELECT s.platform_id, cs.checkpoint, cs.detail FROM sources s
                         JOIN collector_state cs ON cs.source_id = s.id""")[0]
    assert source["platform_id"] == 783214
    # The pagination did not finish, so the checkpoint waits and the place is remembered.
    assert source["checkpoint"] is None
    assert source["detail"]["resume"] == {"newest": "1577730467436138524",
                                          "until_id": "1565318587736285184"}


def test_recorded_search_without_authors_is_reported_not_guessed(
    db: Database, config: Config
) -> None:
    with db.connection() as conn:
        catalog.upsert_source(conn, catalog.SourceSpec(
            platform="twitter", handle="tweepy-mentions", role="observer", kind="search",
            query="Tweepy"))
    cassette = str(RECORDINGS / "test_client_search_recent_tweets.yaml")
    with make_vcr(match_on=MATCH).use_cassette(cassette, allow_playback_repeats=True):
        [result] = run_x(config, db)
    # Two pages read (the recorded page again for its unrecorded next_token): every tweet
    # is reported, none is stored under a guessed author.
    assert (result.fetched, result.inserted, result.errors) == (20, 0, 20)
    assert result.status == "ok"
    assert rows(db, "SELECT count(*) AS n FROM posts")[0]["n"] == 0
