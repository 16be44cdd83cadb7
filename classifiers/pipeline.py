"""The tagging loop, independent of where posts come from and go to.

    counts = run_tagging(fetch_batch, write_batch, tagger, batch_size=64)

fetch_batch(after_id, limit) returns the next posts to tag with id > after_id, in id
order; write_batch(results) stores one batch (in one transaction, so a killed run loses
at most the batch in flight and resumes from the posts still pending). storage.tagging
provides both for PostgreSQL; this module imports nothing of storage.
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


FetchBatch = Callable[[int, int], Sequence[Post]]
WriteBatch = Callable[[Sequence[tuple[Post, list[TagResult]]]], None]


def run_tagging(
    fetch_batch: FetchBatch,
    write_batch: WriteBatch,
    tagger: Tagger,
    *,
    batch_size: int = 64,
    stop: StopSignal | None = None,
    limit: int | None = None,
) -> TaggingCounts:
    """Tag every pending post, batch by batch, until none is left, `stop` is set, or
    `limit` posts were done."""
    counts = TaggingCounts()
    started = time.perf_counter()
    after = 0
    while limit is None or counts.posts < limit:
        if stop is not None and stop.is_set():
            counts.stopped = True
            break
        size = batch_size if limit is None else min(batch_size, limit - counts.posts)
        posts = list(fetch_batch(after, size))
        if not posts:
            break
        results = tagger.tag([p.text for p in posts], [p.lang for p in posts])
        write_batch(list(zip(posts, results, strict=True)))
        counts.batches += 1
        counts.posts += len(posts)
        for tags in results:
            counts.tagged_posts += bool(tags)
            counts.tags += len(tags)
            for tag in tags:
                counts.by_narrative[tag.narrative] = counts.by_narrative.get(tag.narrative, 0) + 1
                counts.by_method[tag.method] = counts.by_method.get(tag.method, 0) + 1
        after = posts[-1].id
    counts.seconds = time.perf_counter() - started
    return counts
