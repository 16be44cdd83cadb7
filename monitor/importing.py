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
    prepare,
    record_import_file,
    write_prepared,
)

BATCH_SIZE = 5000
MAX_KEPT = 10_000  # rejections kept for the summary; all are counted and reported


@dataclass
class ImportSummary:
    read: int = 0
    rejected_count: int = 0
    rejected: list[RejectedRecord] = field(default_factory=list)  # the first MAX_KEPT only
    counts: WriteCounts = field(default_factory=WriteCounts)

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            **self.counts.as_dict(),
            "rejected": self.rejected_count,
            "errors": [{"where": r.location, "reason": r.reason} for r in self.rejected],
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


def import_stream(
    db: Database,
    items: Iterable[PostRecord | RejectedRecord],
    *,
    kind: str,
    path: Path | None = None,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
    on_reject: Callable[[RejectedRecord], None] | None = None,
) -> ImportSummary:
    """Write good records batch by batch (flat memory); collect rejections with locations."""
    summary = ImportSummary()
    file_id: int | None = None
    if path is not None:
        with db.connection() as conn:
            file_id = record_import_file(conn, kind, path.name, file_sha256(path))
    writer = _Writer(db, file_id)
    writer.start()
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
                writer.put(prepare(batch))
                batch = []
            if on_progress and summary.read % 1000 == 0:
                on_progress(summary.read)
        if batch:
            writer.put(prepare(batch))
    finally:
        summary.counts = writer.finish()
    if on_progress:
        on_progress(summary.read)
    if file_id is not None:
        with db.connection() as conn:
            finish_import_file(conn, file_id, {**summary.counts.as_dict(),
                                               "rejected": summary.rejected_count})
    return summary
