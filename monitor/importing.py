"""Runs an importer's record stream through the bulk write path in batches."""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from collectors.records import PostRecord, RejectedRecord
from storage.database import Database
from storage.posts import (
    StageRow,
    WriteCounts,
    finish_import_file,
    post_key,
    prepare,
    record_import_file,
    start_bulk_session,
    write_prepared,
)

BATCH_SIZE = 5000
# Parallel writer connections. The database side of a batch (COPY parse, upsert, index
# maintenance) costs more than preparing it in Python, so two backends keep both cores busy.
WRITERS = 2
MAX_KEPT = 10_000  # rejections kept for the summary; all are counted and reported


@dataclass
class ImportSummary:
    read: int = 0
    rejected_count: int = 0
    rejected: list[RejectedRecord] = field(default_factory=list)  # the first MAX_KEPT only
    counts: WriteCounts = field(default_factory=WriteCounts)
    images: dict[str, object] | None = None  # images kept from the import (issue 17)

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            **self.counts.as_dict(),
            "rejected": self.rejected_count,
            "errors": [{"where": r.location, "reason": r.reason} for r in self.rejected],
            **({"images": self.images} if self.images is not None else {}),
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Writer(threading.Thread):
    """Writes prepared batches while the caller parses the next ones (2 cores: overlap)."""

    def __init__(self, db: Database, file_id: int | None) -> None:
        super().__init__(name="chorus-import-writer", daemon=True)
        self.queue: queue.Queue[list[StageRow] | None] = queue.Queue(maxsize=2)
        self.counts = WriteCounts()
        self.error: BaseException | None = None
        self._db = db
        self._file_id = file_id

    def run(self) -> None:
        try:
            with self._db.connect() as conn:
                start_bulk_session(conn)
                while (rows := self.queue.get()) is not None:
                    self.counts.add(write_prepared(conn, rows, import_file_id=self._file_id))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, re-raised there
            self.error = exc
            while self.queue.get() is not None:  # drain so the producer never blocks
                pass

    def put(self, rows: list[StageRow]) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(rows)

    def finish(self) -> WriteCounts:
        self.queue.put(None)
        self.join()
        if self.error is not None:
            raise self.error
        return self.counts


class _Writers:
    """Writer threads, each with its own connection. Rows are split by post key, so every
    version of one post goes to the same writer, in file order (the last one wins), and
    two writers never touch the same post. New sources are inserted in key order by both
    (storage.posts), so two writers cannot deadlock on them."""

    def __init__(self, db: Database, file_id: int | None, count: int) -> None:
        self._writers = [_Writer(db, file_id) for _ in range(max(1, count))]
        for writer in self._writers:
            writer.start()

    def put(self, rows: list[StageRow]) -> None:
        count = len(self._writers)
        if count == 1:
            self._writers[0].put(rows)
            return
        shares: list[list[StageRow]] = [[] for _ in range(count)]
        for row in rows:
            shares[hash(post_key(row)) % count].append(row)
        for writer, share in zip(self._writers, shares, strict=True):
            if share:
                writer.put(share)

    def finish(self) -> WriteCounts:
        counts = WriteCounts()
        errors: list[BaseException] = []
        for writer in self._writers:
            try:
                counts.add(writer.finish())
            except BaseException as exc:  # noqa: BLE001 - every writer is stopped first
                errors.append(exc)
        if errors:
            raise errors[0]
        return counts


def import_stream(
    db: Database,
    items: Iterable[PostRecord | RejectedRecord],
    *,
    kind: str,
    path: Path | None = None,
    batch_size: int = BATCH_SIZE,
    writer_count: int = WRITERS,
    on_progress: Callable[[int], None] | None = None,
    on_reject: Callable[[RejectedRecord], None] | None = None,
) -> ImportSummary:
    """Write good records batch by batch (flat memory); collect rejections with locations."""
    summary = ImportSummary()
    file_id: int | None = None
    if path is not None:
        with db.connection() as conn:
            file_id = record_import_file(conn, kind, path.name, file_sha256(path))
    writers = _Writers(db, file_id, writer_count)
    batch: list[PostRecord] = []
    try:
        for item in items:
            summary.read += 1
            if isinstance(item, RejectedRecord):
                summary.rejected_count += 1
                if len(summary.rejected) < MAX_KEPT:
                    summary.rejected.append(item)
                if on_reject:
                    on_reject(item)
            else:
                batch.append(item)
            if len(batch) >= batch_size:
                writers.put(prepare(batch))
                batch = []
            if on_progress and summary.read % 1000 == 0:
                on_progress(summary.read)
        if batch:
            writers.put(prepare(batch))
    finally:
        summary.counts = writers.finish()
    if on_progress:
        on_progress(summary.read)
    if file_id is not None:
        with db.connection() as conn:
            finish_import_file(conn, file_id, {**summary.counts.as_dict(),
                                               "rejected": summary.rejected_count})
    return summary
