"""Photos of channel posts, downloaded after their text is stored: one message re-read by id
(its file reference may have expired since the history page), its largest size checked against
the cap before any byte is fetched, the download made through the collector's one request path
(retries, flood waits and Telethon's errors handled as for messages)."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from telethon.tl import types

from collectors.telegram_collector import MAX_PAGE, Channel, TelegramCollector


@dataclass(frozen=True, slots=True)
class PhotoDownload:
    message_id: int
    data: bytes | None  # None: not downloaded, `reason` says why
    reason: str | None = None


def photo_bytes(photo: types.Photo) -> int | None:
    """The size in bytes of the photo's largest version, as Telegram announces it."""
    sizes: list[int] = []
    for size in photo.sizes:
        if isinstance(size, types.PhotoSize):
            sizes.append(int(size.size))
        elif isinstance(size, types.PhotoSizeProgressive) and size.sizes:
            sizes.append(int(max(size.sizes)))
    return max(sizes, default=None)


def _announced(media: object) -> int | None | bool:
    """The announced size of a photo or image document (None: not announced); False when
    the media is neither."""
    if isinstance(media, types.MessageMediaPhoto) and isinstance(media.photo, types.Photo):
        return photo_bytes(media.photo)
    if isinstance(media, types.MessageMediaDocument) and isinstance(media.document, types.Document) \
            and str(media.document.mime_type or "").startswith("image/"):
        return int(media.document.size)
    return False


async def download_photos(collector: TelegramCollector, channel: Channel, ids: Sequence[int],
                          max_bytes: int) -> AsyncIterator[PhotoDownload]:
    """Each message's photo (or image document), or why it was not downloaded; SourceRateLimited and the other
    outcomes of `TelegramCollector._call` end the downloads (the rest wait for the next run)."""
    peer = channel.input_peer()
    client = collector.client
    for i in range(0, len(ids), MAX_PAGE):
        chunk = list(ids[i:i + MAX_PAGE])
        found = await collector.call(f"re-reading photos of @{channel.handle}",
                                     functools.partial(client.get_messages, peer, ids=chunk),
                                     channel.handle)
        by_id = {int(m.id): m for m in found or () if isinstance(m, types.Message)}
        for message_id in chunk:
            message = by_id.get(message_id)
            announced = _announced(getattr(message, "media", None))
            if message is None or announced is False:
                yield PhotoDownload(message_id, None, "the message no longer carries an image")
                continue
            if isinstance(announced, int) and announced > max_bytes:
                yield PhotoDownload(message_id, None, f"the photo has {announced:,} bytes, over "
                                                      f"the cap of {max_bytes:,}")
                continue
            data = await collector.call(
                f"downloading the photo of @{channel.handle}/{message_id}",
                functools.partial(client.download_media, message, file=bytes), channel.handle)
            if not isinstance(data, bytes):
                yield PhotoDownload(message_id, None, "Telegram returned no file for the photo")
            else:
                yield PhotoDownload(message_id, data)
