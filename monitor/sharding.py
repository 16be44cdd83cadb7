"""Sharded collection across daemon replicas (issue 18, deploy/SCALING.md step 2). With
`collect_shards` set, every replica, leader or follower, runs this loop: rebalance its share
of the shards (storage.shards), then collect the due sources of the shards it holds. The
leader keeps the singleton jobs (digest, housekeeping, rollups, alerts, tagging); a replica
that dies hands its shards over at the others' next rebalance, within `shard_poll_s`.
Each replica needs its own Telegram session (its own `telegram_session` secret)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

import psycopg

from collectors.records import PLATFORMS
from monitor.collecting import SourceRunResult, collect
from monitor.daemon.jobs import RECHECK_EVERY, recheck_sources
from monitor.daemon.leader import wait_or_stop
from monitor.settings import Config
from storage.collection import ShardSet
from storage.database import Database, DatabaseUnavailable
from storage.jobs import LockSession
from storage.shards import ShardLocks

log = logging.getLogger("chorus.shards")


async def collect_by_shard(config: Config, db: Database, stop: asyncio.Event, *, name: str,
                           **collect_options: Any) -> list[SourceRunResult]:
    """Until `stop`: hold a fair share of the shards and collect their due sources (and once
    an hour re-check those a run would not reach, as the leader's recheck job does unsharded);
    returns the results of every run (for tests and logs). `collect_options` go to
    collect()."""
    locks = ShardLocks(LockSession(db, f"{name} shards"), config.collect_shards)
    results: list[SourceRunResult] = []
    held: frozenset[int] = frozenset()
    rechecked = time.monotonic()
    try:
        while not stop.is_set():
            now_held = await asyncio.to_thread(locks.rebalance)
            if now_held != held:
                log.info("%s holds collection shards %s of %d", name,
                         ", ".join(map(str, sorted(now_held))) or "none", config.collect_shards)
                held = now_held
            if held:
                shards = ShardSet(locks.count, held)
                try:
                    results += await collect(config, db, shards=shards, **collect_options)
                    if time.monotonic() - rechecked >= RECHECK_EVERY.total_seconds():
                        rechecked = time.monotonic()
                        for platform in PLATFORMS:
                            await recheck_sources(config, db, platform, datetime.now(UTC),
                                                  shards)
                except (DatabaseUnavailable, psycopg.OperationalError) as exc:
                    # The database went away: try again at the next poll (the shards too).
                    log.warning("%s: collection of its shards failed: %s", name, exc)
            if await wait_or_stop(stop, config.shard_poll_s):
                break
    finally:
        await asyncio.to_thread(locks.close)
    return results
