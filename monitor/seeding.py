"""Loads the seed catalogue (actors, sources, narratives, events) idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field

from seeds import loader
from seeds.replay_paths import replay_seed_files
from storage import catalog
from storage.database import Database
from storage.event_keywords import store_keywords


@dataclass
class SyncCounts:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def bump(self, kind: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[kind] = target.get(kind, 0) + 1


def sync_seeds(db: Database, *, include_replay: bool = False) -> SyncCounts:
    """Upsert every seed entry in one transaction; running it twice changes nothing."""
    actors = loader.load_actors()
    sources = loader.load_sources()
    if include_replay:
        replay_actors, replay_sources = replay_seed_files()
        if replay_actors is not None:
            actors += loader.load_actors(replay_actors)
        if replay_sources is not None:
            sources += loader.load_sources(replay_sources)
    narratives = loader.load_narratives()
    events = loader.load_events()
    keywords = loader.load_event_keywords()
    counts = SyncCounts()
    with db.connection() as conn:
        for a in actors:
            counts.bump("actors", catalog.upsert_actor(conn, a)[1])
        for s in sources:
            counts.bump("sources", catalog.upsert_source(conn, s)[1])
        for n in narratives:
            counts.bump("narratives", catalog.upsert_narrative(conn, n)[1])
        for e in events:
            event_id, created = catalog.upsert_event(conn, e)
            counts.bump("events", created)
            store_keywords(conn, event_id, keywords.get(e.name, {}))
    return counts


def sync_narratives(db: Database) -> SyncCounts:
    """Load the narrative taxonomy alone (part of `chorus db migrate`): analyst labels refer
    to it, so an import's labels land on a migrated database before any `sources sync`."""
    counts = SyncCounts()
    with db.connection() as conn:
        for n in loader.load_narratives():
            counts.bump("narratives", catalog.upsert_narrative(conn, n)[1])
    return counts
