"""Telethon `Message` → `PostRecord`: text, links, times, counts, provenance, media, raw payload.

Only the raw TL fields are read (never properties that need a connected client), so the
same mapping serves live collection, the test fakes and the demo replay.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from telethon import helpers
from telethon.tl import types

from collectors.outcomes import SeenChannel
from collectors.records import PostKind, PostRecord

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


def post_url(handle: str, message_id: int | str) -> str:
    return f"https://t.me/{handle}/{message_id}"


def private_post_url(channel_id: int | str, message_id: int | str) -> str:
    """The link form for a channel known only by its numeric id."""
    return f"https://t.me/c/{channel_id}/{message_id}"


def unique(values: Iterable[str]) -> list[str]:
    """Values in first-seen order without repeats or blanks."""
    return [v for v in dict.fromkeys(v.strip() for v in values) if v]


def json_safe(value: Any) -> Any:
    """A TL `to_dict()` tree as plain JSON: times as ISO 8601, bytes as base64, None dropped."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def peer_label(peer: Any, channel_handles: Mapping[int, str]) -> str | None:
    """A forward's origin as a handle when the channel is known, else a typed numeric id."""
    if isinstance(peer, types.PeerChannel):
        return channel_handles.get(peer.channel_id) or f"channel:{peer.channel_id}"
    if isinstance(peer, types.PeerUser):
        return f"user:{peer.user_id}"
    if isinstance(peer, types.PeerChat):
        return f"chat:{peer.chat_id}"
    return None


def forwarded_channel(message: Any) -> SeenChannel | None:
    """The origin channel of a forward as Telegram sent it with the message (Telethon's
    `message.forward.chat`), when it came with an access hash usable for reading: not a
    `min` constructor (whose hash only works in the context it came from)."""
    forward = getattr(message, "forward", None)
    chat = getattr(forward, "chat", None) if forward is not None else None
    if not isinstance(chat, types.Channel) or chat.min or chat.access_hash is None:
        return None
    username = chat.username if chat.username and _USERNAME.fullmatch(chat.username) else None
    return SeenChannel(int(chat.id), int(chat.access_hash), username, (chat.title or "")[:255])


def entity_links(text: str, entities: Iterable[Any] | None) -> list[str]:
    """URLs written in the text and URLs hidden behind text. Offsets count UTF-16 units."""
    found: list[str] = []
    surrogated: str | None = None
    for entity in entities or ():
        if isinstance(entity, types.MessageEntityTextUrl):
            found.append(entity.url)
        elif isinstance(entity, types.MessageEntityUrl):
            if surrogated is None:
                surrogated = helpers.add_surrogate(text)
            piece = surrogated[entity.offset:entity.offset + entity.length]
            found.append(helpers.del_surrogate(piece))
    return found


def _document_kind(document: Any) -> tuple[str, dict[str, Any]]:
    meta: dict[str, Any] = {"mime_type": getattr(document, "mime_type", None),
                            "size": getattr(document, "size", None)}
    kind = "document"
    for attribute in getattr(document, "attributes", None) or ():
        if isinstance(attribute, types.DocumentAttributeVideo):
            kind = "video_message" if attribute.round_message else "video"
            meta.update(duration=attribute.duration, width=attribute.w, height=attribute.h)
        elif isinstance(attribute, types.DocumentAttributeAudio):
            kind = "voice" if attribute.voice else "audio"
            meta.update(duration=attribute.duration)
        elif isinstance(attribute, types.DocumentAttributeAnimated):
            kind = "animation"
        elif isinstance(attribute, types.DocumentAttributeSticker):
            kind = "sticker"
        elif isinstance(attribute, types.DocumentAttributeFilename):
            meta["file_name"] = attribute.file_name
    return kind, meta


def media_summary(media: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """The media type and metadata (nothing is downloaded), and any link it carries."""
    if media is None or isinstance(media, types.MessageMediaEmpty):
        return None, []
    if isinstance(media, types.MessageMediaPhoto):
        summary: dict[str, Any] = {"type": "photo"}
        photo = media.photo
        if isinstance(photo, types.Photo):
            sizes = [s for s in photo.sizes if hasattr(s, "w") and hasattr(s, "h")]
            largest = max(sizes, key=lambda s: s.w * s.h, default=None)
            summary.update(id=photo.id, width=getattr(largest, "w", None),
                           height=getattr(largest, "h", None))
        return summary, []
    if isinstance(media, types.MessageMediaDocument):
        document = media.document
        if isinstance(document, types.Document):
            kind, meta = _document_kind(document)
            return {"type": kind, "id": document.id, **meta}, []
        return {"type": "document"}, []
    if isinstance(media, types.MessageMediaWebPage):
        page = media.webpage
        url = getattr(page, "url", None)
        summary = {"type": "webpage", "url": url, "site_name": getattr(page, "site_name", None),
                   "title": getattr(page, "title", None)}
        return summary, [url] if isinstance(url, str) else []
    if isinstance(media, types.MessageMediaPoll):
        poll = media.poll
        question = getattr(poll, "question", "")
        answers = [getattr(a, "text", "") for a in getattr(poll, "answers", None) or ()]
        return {"type": "poll", "question": _plain(question),
                "answers": [_plain(a) for a in answers]}, []
    return {"type": type(media).__name__.removeprefix("MessageMedia").lower()}, []


def _plain(value: Any) -> str:
    """Newer layers wrap poll texts in TextWithEntities."""
    return value if isinstance(value, str) else str(getattr(value, "text", value))


def message_to_record(
    message: Any, handle: str, channel_handles: Mapping[int, str] | None = None
) -> PostRecord | None:
    """A channel post as a record; None for service messages and empty slots."""
    if not isinstance(message, types.Message) or message.date is None:
        return None
    handles = channel_handles or {}
    text = message.message or ""
    media, media_links = media_summary(message.media)
    if media is not None and message.grouped_id is not None:
        media["album"] = str(message.grouped_id)  # album parts share it
    kind: PostKind = "post"
    forwarded_from = forwarded_from_id = reply_to = None
    if message.fwd_from is not None:
        kind = "forward"
        header = message.fwd_from
        forwarded_from = peer_label(header.from_id, handles) or header.from_name
        if header.channel_post is not None:
            forwarded_from_id = str(header.channel_post)
    if isinstance(message.reply_to, types.MessageReplyHeader) and message.reply_to.reply_to_msg_id:
        reply_to = str(message.reply_to.reply_to_msg_id)
        if kind == "post":
            kind = "reply"
    metrics = {
        "views": message.views,
        "forwards": message.forwards,
        "replies": message.replies.replies if message.replies is not None else None,
    }
    return PostRecord(
        platform="telegram",
        source=handle,
        native_id=str(message.id),
        posted_at=message.date,
        text=text,
        url=post_url(handle, message.id),
        kind=kind,
        edited_at=message.edit_date,
        forwarded_from=forwarded_from,
        forwarded_from_id=forwarded_from_id,
        reply_to=reply_to,
        links=unique([*entity_links(text, message.entities), *media_links]),
        metrics={k: v for k, v in metrics.items() if v is not None},
        media=media,
        raw=json_safe(message.to_dict()),
    )
