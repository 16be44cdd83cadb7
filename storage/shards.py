"""Collection shards held by daemon replicas (issue 18): session advisory locks on a dedicated
connection (storage.jobs.LockSession). Each replica holds the shared member lock while it
runs, so every replica can count the live ones, and holds a fair share (ceil(shards /
members)) of the per-shard exclusive locks. A replica that dies loses its locks with its
session; the others take its shards at their next rebalance. A source's shard is
source_shard() in SQL (migration 152), so every replica computes the same."""

from __future__ import annotations

import math

from storage.database import DatabaseUnavailable
from storage.jobs import LockSession

# Stable 64-bit keys ("Chorus" + a number), apart from the leader and digest keys.
MEMBER_KEY = 0x43686F7275730003
SHARD_LOCK_BASE = 0x4368000300000000


class ShardLocks:
    """One replica's hold on its share of `count` shards."""

    def __init__(self, session: LockSession, count: int) -> None:
        self.session = session
        self.count = count
        self._member = False

    def rebalance(self) -> frozenset[int]:
        """Hold a fair share: let go of shards beyond it, take free ones up to it. Blocking
        (call it in a thread). Holds nothing when the database cannot be reached."""
        try:
            if not self._member:
                self._member = self.session.try_lock_shared(MEMBER_KEY)
            held = {k - SHARD_LOCK_BASE
                    for k in self.session.held_keys(SHARD_LOCK_BASE, self.count)}
            share = math.ceil(self.count / max(1, self.session.holders(MEMBER_KEY)))
            for shard in sorted(held)[share:]:  # another replica joined: hand these over
                self.session.unlock(SHARD_LOCK_BASE + shard)
                held.discard(shard)
            for shard in range(self.count):
                if len(held) >= share:
                    break
                if shard not in held and self.session.try_lock(SHARD_LOCK_BASE + shard):
                    held.add(shard)
        except DatabaseUnavailable:
            self.session.close()  # its locks went with the connection
            self._member = False
            return frozenset()
        return frozenset(held)

    def close(self) -> None:
        self.session.close()
        self._member = False
