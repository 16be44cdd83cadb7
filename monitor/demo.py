"""The main job on the embedded default: replay September–November 2021 end to end.

Every step is the code the daemon runs: the replay clients stand at the Telethon and
tweepy boundaries and the normal collection entry point reads them (downloading photos); the
OCR job reads the images; the classifier tags what was collected with the images' text (no
pre-set labels); convergence rollups are refreshed; the digest for
7 November 2021 is built and delivered (to the outbox when no SMTP is configured).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from collectors.replay import Replay
from monitor.collecting import collect
from monitor.seeding import sync_seeds
from monitor.settings import Config
from seeds.replay import corpus_file
from storage import catalog, replay_progress
from storage.convergence import report as convergence
from storage.database import Database
from storage.migrate import migrate

DIGEST_DATE = date(2021, 11, 7)
EVENT_NAME = "Drone attack on PM residence"
REPLAY_STEP = timedelta(hours=6)
# Keep re-reading this long after the last post, so late edits and deletions are seen.
REPLAY_TAIL = timedelta(days=2)


@dataclass
class StepReport:
    name: str
    seconds: float
    detail: str


@dataclass
class DemoResult:
    steps: list[StepReport] = field(default_factory=list)
    event_id: int | None = None
    digest_paths: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"steps": [s.__dict__ for s in self.steps], "event_id": self.event_id,
                "digest_paths": self.digest_paths}


Say = Callable[[StepReport], None]


class _Steps:
    def __init__(self, result: DemoResult, say: Say) -> None:
        self.result = result
        self.say = say

    @contextmanager
    def step(self, name: str) -> Iterator[list[str]]:
        detail: list[str] = []
        started = time.perf_counter()
        yield detail
        report = StepReport(name, time.perf_counter() - started, "; ".join(detail))
        self.result.steps.append(report)
        self.say(report)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def replay_corpus(config: Config, db: Database, path: Path,
                        step: timedelta = REPLAY_STEP) -> dict[str, int]:
    """Step the replay clock through the corpus, collecting at each step; resumable."""
    sha = _sha256(path)
    replay = Replay.from_file(path)
    start = replay.corpus.start.replace(hour=0, minute=0, second=0, microsecond=0)
    end = replay.corpus.end + REPLAY_TAIL
    with db.connection() as conn:
        done_until = replay_progress.replayed_until(conn, sha)
    moment = start if done_until is None else done_until
    totals = {"steps": 0, "fetched": 0, "inserted": 0, "updated": 0, "deleted": 0, "errors": 0}
    # Photos are downloaded as live collection does: the corpus's statement cards come back
    # rendered, its other photos have no file behind them (recorded as not downloaded).
    while moment < end:
        moment = min(moment + step, end)
        replay.clock.set(moment)
        results = await collect(config, db, now=moment, include_illustrative=True,
                                telegram_client_factory=replay.telegram_client,
                                x_client_factory=replay.x_client)
        for r in results:
            totals["fetched"] += r.fetched
            totals["inserted"] += r.inserted
            totals["updated"] += r.updated
            totals["deleted"] += r.deleted
            totals["errors"] += r.errors
        totals["steps"] += 1
        with db.connection() as conn:
            replay_progress.record_progress(conn, sha, moment, done=moment >= end)
    return totals


def _read_images(config: Config, db: Database) -> str:
    """OCR of the downloaded photos, so the tagger reads the cards' text with their captions."""
    from classifiers.ocr import OcrUnavailable
    from monitor.media.ocr_job import read_pending_images
    try:
        counts = read_pending_images(config, db)
    except OcrUnavailable as exc:
        return f"not read: {exc}"
    return (f"{counts.images} image{'' if counts.images == 1 else 's'} read, "
            f"{counts.with_text} with text, {counts.errors} errors")


def run_demo(config: Config, db: Database, say: Say, *, corpus: Path | None = None) -> DemoResult:
    """Migrate, seed, replay, tag, converge, write the digest. Serving is the caller's."""
    from monitor.classifying import tag_pending_posts
    from monitor.digest import build_digest, deliver

    result = DemoResult()
    steps = _Steps(result, say)
    with steps.step("migrate") as d:
        applied = migrate(db)
        d.append(f"{len(applied)} migrations applied" if applied else "schema up to date")
    with steps.step("seeds") as d:
        counts = sync_seeds(db, include_replay=True)
        d.append(", ".join(f"{k}: {counts.created.get(k, 0)} new"
                           for k in ("actors", "sources", "narratives", "events")))
    with steps.step("replay + collect") as d:
        totals = asyncio.run(replay_corpus(config, db, corpus or Path(str(corpus_file()))))
        d.append(f"{totals['steps']} collection rounds, {totals['inserted']} posts inserted, "
                 f"{totals['updated']} edits, {totals['deleted']} deletions seen")
    with steps.step("read images") as d:
        d.append(_read_images(config, db))
    with steps.step("classify") as d:
        tagged = tag_pending_posts(config, db)
        d.append(f"{tagged.posts} posts read, {tagged.tagged_posts} carry a narrative "
                 f"({tagged.tags} tags, {tagged.posts / max(tagged.seconds, 1e-9):.0f} posts/s)")
    with steps.step("converge") as d:
        with db.connection() as conn:
            days = convergence.refresh_rollups(conn)
            event = catalog.find_event(conn, EVENT_NAME)
        d.append(f"{days} narrative-days refreshed")
        if event is not None:
            result.event_id = int(event["id"])
    with steps.step("digest") as d:
        day = DIGEST_DATE
        now = datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC)
        delivery = deliver(config, db, day, partial(build_digest, config, db, day, now=now))
        if delivery.path:
            eml = Path(delivery.path)
            result.digest_paths = [str(eml), str(eml.with_suffix(".html"))]
        d.append(f"{delivery.status}: {', '.join(result.digest_paths) or 'sent by SMTP'}")
    return result
