"""Photos of collected Telegram posts kept as evidence, after the posts' text is stored: a
few per source and run (newest first), each checked and stored like an imported image. A
flood wait or a dropped connection ends the downloads of this run and never fails the text
collection: the photos still pending are fetched by the next run."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import TypeVar

from collectors.outcomes import CollectionStopped
from collectors.retry import RetriesExhausted
from collectors.telegram_collector import Channel, TelegramCollector
from collectors.telegram_photos import PhotoDownload, download_photos
from monitor.media.ingest import MediaCounts, MediaLimits, keep_image
from monitor.settings import Config, media_store_dir
from storage.database import Conn, Database
from storage.media import records as media
from storage.media.files import MediaStore

T = TypeVar("T")
log = logging.getLogger(__name__)
PHOTOS_PER_RUN = 20  # per source: text collection of the next source is never held up long


async def download_post_photos(config: Config, db: Database, collector: TelegramCollector,
                               source_id: int, channel: Channel) -> MediaCounts:
    counts = MediaCounts()
    limits = MediaLimits.of(config)
    pending = await _in_thread(db, lambda conn: media.pending_downloads(
        conn, source_id, limit=PHOTOS_PER_RUN, documents=limits.download == "images"))
    if not pending:
        return counts
    posts = {int(p.native_id): p.post_id for p in pending if p.native_id.isdigit()}
    store = MediaStore(media_store_dir(config))
    try:
        async for got in download_photos(collector, channel, list(posts), limits.max_bytes):
            post_id = posts[got.message_id]
            keep = functools.partial(_keep, store=store, post_id=post_id, got=got,
                                     handle=channel.handle, limits=limits, counts=counts)
            await _in_thread(db, keep)
    except (CollectionStopped, RetriesExhausted) as exc:
        log.warning("photos of @%s wait for the next run: %s", channel.handle, exc)
    return counts


def _keep(conn: Conn, store: MediaStore, post_id: int, got: PhotoDownload, handle: str,
          limits: MediaLimits, counts: MediaCounts) -> None:
    where = f"@{handle}/{got.message_id}"
    if got.data is None:
        reason = got.reason or "not downloaded"
        counts.refused.append((where, reason))
        media.record_refusal(conn, post_id, where, reason)
        return
    keep_image(conn, store, post_id, got.data, where, limits, counts)


async def _in_thread(db: Database, work: Callable[[Conn], T]) -> T:
    """Database work and image decoding off the event loop."""
    def run() -> T:
        with db.connection() as conn:
            return work(conn)
    return await asyncio.to_thread(run)
