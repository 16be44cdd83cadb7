"""Posted images kept as evidence: checked (collectors.media), written once to the
content-addressed store, recorded with the posts that carry them. A refused file is recorded
with its reason and collection goes on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from collectors.media import MediaRefused, inspect_image
from collectors.records import PostRecord, RejectedRecord
from monitor.settings import Config, ConfigError, media_store_dir
from storage.database import Conn, Database
from storage.media import records as media
from storage.media.files import MediaStore

MEDIA_DOWNLOAD = ("off", "photos", "images")


@dataclass(frozen=True, slots=True)
class MediaLimits:
    max_bytes: int
    max_pixels: int
    download: str  # off | photos | images

    @classmethod
    def of(cls, config: Config) -> MediaLimits:
        if config.media_download not in MEDIA_DOWNLOAD:
            raise ConfigError(f"media_download must be one of {', '.join(MEDIA_DOWNLOAD)}, "
                              f"not {config.media_download!r}")
        return cls(config.media_max_bytes, config.media_max_pixels, config.media_download)


@dataclass
class MediaCounts:
    kept: int = 0  # files new to the store
    linked: int = 0  # posts that now carry a kept image (new files or known ones)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (where, why)

    def as_dict(self) -> dict[str, object]:
        return {"kept": self.kept, "linked": self.linked, "refused": len(self.refused),
                "refusals": [{"where": w, "reason": r} for w, r in self.refused[:1000]]}


def keep_image(conn: Conn, store: MediaStore, post_id: int, data: bytes, where: str,
               limits: MediaLimits, counts: MediaCounts, position: int = 0) -> bool:
    """Check, store and link one image; a refusal is recorded with its reason (never raised)."""
    try:
        facts = inspect_image(data, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels)
    except MediaRefused as exc:
        counts.refused.append((where, str(exc)))
        media.record_refusal(conn, post_id, where, str(exc))
        return False
    counts.kept += not store.path(facts.sha256).exists()
    store.put(facts.sha256, data)
    media_id = media.save_media(conn, media.MediaRow(facts.sha256, facts.mime_type,
                                                     facts.size_bytes, facts.width, facts.height,
                                                     facts.phash))
    media.link_post(conn, post_id, media_id, position)
    counts.linked += 1
    return True


@dataclass(frozen=True, slots=True)
class ExportImage:
    platform: str
    source: str
    native_id: str
    file: str  # as the export names it, relative to the export's folder


def wanted_file(record: PostRecord, download: str) -> str | None:
    """The image file an exported message references, if images of its kind are kept."""
    found = record.media or {}
    file = found.get("file")
    if download == "off" or not isinstance(file, str) or not file:
        return None
    if found.get("type") == "photo":
        return file
    mime = found.get("mime_type")
    if download == "images" and isinstance(mime, str) and mime.startswith("image/"):
        return file
    return None


def noting_images(items: Iterable[PostRecord | RejectedRecord], download: str,
                  found: list[ExportImage]) -> Iterator[PostRecord | RejectedRecord]:
    """The items unchanged; the images their messages reference are added to `found`."""
    for item in items:
        if isinstance(item, PostRecord) and (file := wanted_file(item, download)):
            found.append(ExportImage(item.platform, item.source, item.native_id, file))
        yield item


def import_export_images(db: Database, config: Config, root: Path,
                         images: Iterable[ExportImage]) -> MediaCounts:
    """Keep the images of imported messages from the export's folder (its photos/ ...)."""
    limits = MediaLimits.of(config)
    store = MediaStore(media_store_dir(config))
    counts = MediaCounts()
    base = root.resolve()
    with db.connection() as conn:
        for image in images:
            where = f"{image.file} (message {image.native_id})"
            post = media.post_id(conn, image.platform, image.source, image.native_id)
            if post is None:
                continue  # the message itself was not stored
            data, problem = _read_export_file(base, image.file, limits.max_bytes)
            if problem is not None:
                counts.refused.append((where, problem))
                media.record_refusal(conn, post, where, problem)
                continue
            keep_image(conn, store, post, data, where, limits, counts)
    return counts


def _read_export_file(base: Path, name: str, max_bytes: int) -> tuple[bytes, str | None]:
    """The file's bytes, or why it cannot be read; never a file outside the export."""
    if "(File not included" in name:
        return b"", "the export did not include this file (Telegram Desktop's size limit)"
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        return b"", "the path leads outside the export's folder"
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return b"", f"the file has {size:,} bytes, over the cap of {max_bytes:,}"
        return path.read_bytes(), None
    except FileNotFoundError:
        return b"", "the file is not in the export's folder"
    except (IsADirectoryError, PermissionError) as exc:
        return b"", f"the file cannot be read ({type(exc).__name__})"
