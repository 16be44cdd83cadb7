"""The tagging loop, independent of where posts come from and go to.

    counts = run_claimed(claim_batch, tagger, batch_size=64)

claim_batch(limit, tag) claims up to `limit` posts of a queue that several workers share,
tags them with `tag`, stores the tags and releases the claim in one transaction (so a killed
run loses at most the batch in flight, which goes back to the queue), and returns what it
tagged (nothing: the queue is empty). monitor.classifying provides it for PostgreSQL
(storage.tag_queue); this module imports nothing of storage.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from classifiers.tagger import Tagger, TagResult


class Post(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def lang(self) -> str | None: ...


class StopSignal(Protocol):
    def is_set(self) -> bool: ...


@dataclass
class TaggingCounts:
    posts: int = 0
    tagged_posts: int = 0  # posts that got at least one narrative
    tags: int = 0
    batches: int = 0
    seconds: float = 0.0
    by_narrative: dict[str, int] = field(default_factory=dict)
    by_method: dict[str, int] = field(default_factory=dict)
    stopped: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "posts": self.posts, "tagged_posts": self.tagged_posts, "tags": self.tags,
            "batches": self.batches, "seconds": round(self.seconds, 2),
            "posts_per_second": round(self.posts / self.seconds, 1) if self.seconds else None,
            "by_narrative": dict(sorted(self.by_narrative.items())),
            "by_method": dict(sorted(self.by_method.items())), "stopped": self.stopped,
        }


Tag = Callable[[Sequence[Post]], list[list[TagResult]]]
ClaimBatch = Callable[[int, Tag], Sequence[tuple[Post, list[TagResult]]]]


def _count(counts: TaggingCounts, results: Sequence[list[TagResult]]) -> None:
    counts.batches += 1
    counts.posts += len(results)
    for tags in results:
        counts.tagged_posts += bool(tags)
        counts.tags += len(tags)
        for tag in tags:
            counts.by_narrative[tag.narrative] = counts.by_narrative.get(tag.narrative, 0) + 1
            counts.by_method[tag.method] = counts.by_method.get(tag.method, 0) + 1


def run_claimed(
    claim_batch: ClaimBatch,
    tagger: Tagger,
    *,
    batch_size: int = 32,
    stop: StopSignal | None = None,
    limit: int | None = None,
) -> TaggingCounts:
    """Tag queued posts batch by batch until the queue is empty, `stop` is set, or `limit`
    posts were done."""
    counts = TaggingCounts()
    started = time.perf_counter()

    def tag(posts: Sequence[Post]) -> list[list[TagResult]]:
        return tagger.tag([p.text for p in posts], [p.lang for p in posts])

    while limit is None or counts.posts < limit:
        if stop is not None and stop.is_set():
            counts.stopped = True
            break
        size = batch_size if limit is None else min(batch_size, limit - counts.posts)
        done = claim_batch(size, tag)
        if not done:
            break
        _count(counts, [results for _, results in done])
    counts.seconds = time.perf_counter() - started
    return counts
