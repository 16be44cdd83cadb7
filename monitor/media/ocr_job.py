"""The OCR job: images not read yet, oldest first, read with Tesseract (classifiers.ocr) and
stored per image, one committed batch at a time. A killed run resumes with the images it had
not finished (an image counts as read once its media_ocr row is committed)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from classifiers.ocr import OcrFailed, OcrResult, read_image
from classifiers.pipeline import StopSignal
from monitor.settings import Config, media_store_dir
from storage.database import Database
from storage.media import records as media
from storage.media.files import MediaStore


@dataclass
class OcrCounts:
    images: int = 0
    with_text: int = 0
    errors: int = 0
    stopped: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"images": self.images, "with_text": self.with_text, "errors": self.errors,
                "stopped": self.stopped}


def read_pending_images(config: Config, db: Database, *, stop: StopSignal | None = None,
                        limit: int | None = None) -> OcrCounts:
    """Read every image without OCR text (or `limit` of them); raises OcrUnavailable when
    Tesseract is missing, so the job fails visibly instead of marking images read."""
    store = MediaStore(media_store_dir(config))
    counts = OcrCounts()
    after = 0
    while limit is None or counts.images < limit:
        if stop is not None and stop.is_set():
            counts.stopped = True
            break
        size = max(1, config.ocr_batch_size if limit is None
                   else min(config.ocr_batch_size, limit - counts.images))
        with db.connection() as conn:
            batch = media.pending_ocr(conn, after=after, limit=size)
        if not batch:
            break
        for image in batch:  # Tesseract runs outside any transaction
            result, error = _read(store, image)
            with db.connection() as conn:
                media.save_ocr(conn, image.media_id, languages=result.languages,
                               text=result.text, normalised=result.normalised,
                               confidence=result.confidence, error=error)
            counts.images += 1
            counts.with_text += bool(result.text.strip())
            counts.errors += error is not None
            after = image.media_id
    return counts


def _read(store: MediaStore, image: media.PendingImage) -> tuple[OcrResult, str | None]:
    data = store.read(image.sha256)
    if data is None:
        return OcrResult("", "", "", None), "the file is missing from the media store"
    try:
        with Image.open(io.BytesIO(data)) as opened:
            return read_image(opened, post_lang=image.lang), None
    except (UnidentifiedImageError, OSError) as exc:
        return OcrResult("", "", "", None), f"the image cannot be decoded: {exc}"
    except OcrFailed as exc:
        return OcrResult("", "", "", None), str(exc)
