"""The demo replay: one clock, and client factories for the normal collection entry point.

    replay = Replay.from_file(path, start=datetime(2021, 10, 24, tzinfo=UTC))
    for step in ...:
        replay.clock.set(step)
        await collect(config, db, now=replay.clock.now(), include_illustrative=True,
                      telegram_client_factory=replay.telegram_client,
                      x_client_factory=replay.x_client)

Nothing here touches the database: posts, edits and deletions arrive only through the
collectors, found by the same history reads and re-check window as live collection.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from collectors.replay_corpus import ReplayClock, ReplayCorpus
from collectors.replay_telegram import ReplayTelegram
from collectors.replay_x import ReplayXAdapter, ReplayXApi

X_API_BASE = "https://api.twitter.com/"
REPLAY_TOKEN = "replay-no-network"  # noqa: S105 - the replay answers without checking it


class Replay:
    def __init__(self, corpus: ReplayCorpus, clock: ReplayClock | None = None) -> None:
        self.corpus = corpus
        self.clock = clock or ReplayClock(corpus.start)
        self.x_api = ReplayXApi(corpus, self.clock)
        self.x_adapter = ReplayXAdapter(self.x_api)

    @classmethod
    def from_file(cls, path: Path, start: datetime | None = None) -> Replay:
        corpus = ReplayCorpus.load(path)
        return cls(corpus, ReplayClock(start) if start else None)

    def telegram_client(self) -> ReplayTelegram:
        """A `TelegramClientFactory`: a fresh replay client (one per collection run)."""
        return ReplayTelegram(self.corpus, self.clock)

    def x_client(self) -> Any:
        """An `XClientFactory`: tweepy's real Client whose HTTP goes to the replay."""
        import tweepy

        client = tweepy.Client(bearer_token=REPLAY_TOKEN, wait_on_rate_limit=False)
        client.session.mount(X_API_BASE, self.x_adapter)
        return client
