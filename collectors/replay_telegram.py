"""The demo's Telegram: channels of the replay corpus as a reader would see them at the replay
clock's "now" — posted, edited and deleted on schedule — served as real Telethon messages."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from datetime import datetime

from telethon.tl import types

from collectors.replay_corpus import ReplayClock, ReplayCorpus, ReplayPost
from collectors.telegram_memory import ChannelEntry, InMemoryTelegram
from seeds.cards import render_card


def replay_channel_id(handle: str) -> int:
    """A stable channel id per handle (the corpus has none)."""
    return 1_000_000_000 + zlib.crc32(handle.lower().encode()) % 1_000_000_000


def replay_access_hash(handle: str) -> int:
    return zlib.crc32(f"access:{handle.lower()}".encode()) * 7919


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str, links: Iterable[str]) -> list[types.TypeMessageEntity]:
    """A link written in the text gets a URL entity; any other hides behind the text."""
    entities: list[types.TypeMessageEntity] = []
    for link in links:
        at = text.find(link)
        if at >= 0:
            entities.append(types.MessageEntityUrl(_utf16_len(text[:at]), _utf16_len(link)))
        elif text:
            entities.append(types.MessageEntityTextUrl(0, _utf16_len(text), link))
    return entities


def _media(post: ReplayPost) -> types.TypeMessageMedia | None:
    media_id = int(post.id) * 1000 + zlib.crc32(post.source.encode()) % 1000
    if post.media == "photo":
        return types.MessageMediaPhoto(photo=types.Photo(
            id=media_id, access_hash=media_id * 31, file_reference=b"", date=post.posted_at,
            sizes=[types.PhotoSize("x", 1280, 720, 96_000)], dc_id=4))
    if post.media == "video":
        return types.MessageMediaDocument(document=types.Document(
            id=media_id, access_hash=media_id * 31, file_reference=b"", date=post.posted_at,
            mime_type="video/mp4", size=2_400_000, dc_id=4,
            attributes=[types.DocumentAttributeVideo(duration=42, w=1280, h=720)]))
    return None


class ReplayTelegram(InMemoryTelegram):
    """A `TelegramApi` over the corpus; what it serves depends only on the clock."""

    def __init__(self, corpus: ReplayCorpus, clock: ReplayClock) -> None:
        super().__init__()
        self.corpus = corpus
        self.clock = clock
        self._entries = [ChannelEntry(handle, replay_channel_id(handle), replay_access_hash(handle))
                         for handle in corpus.sources("telegram").values()]
        self._handles = {e.channel_id: e.handle for e in self._entries}
        self._cache: dict[int, tuple[datetime, list[types.Message]]] = {}
        self._cards: dict[tuple[int, int], bytes] = {}

    def channels(self) -> Iterable[ChannelEntry]:
        return self._entries

    def messages(self, channel_id: int) -> Sequence[types.Message]:
        handle = self._handles.get(channel_id)
        if handle is None:
            return []
        now = self.clock.now()
        cached = self._cache.get(channel_id)
        if cached is None or cached[0] != now:
            cached = (now, [self.message(post, now)
                            for post in self.corpus.of_source("telegram", handle)
                            if post.visible_at(now)])
            self._cache[channel_id] = cached
        return cached[1]

    def media_bytes(self, channel_id: int, message_id: int) -> bytes | None:
        """A statement card renders to its PNG; the corpus's other photos have no file."""
        key = (channel_id, message_id)
        if key not in self._cards:
            handle = self._handles.get(channel_id)
            post = next((p for p in self.corpus.of_source("telegram", handle or "")
                         if int(p.id) == message_id), None)
            if post is None or post.card is None:
                return None
            self._cards[key] = render_card(post.lang or "ar", post.card).png
        return self._cards[key]

    def message(self, post: ReplayPost, now: datetime) -> types.Message:
        text, edited_at = post.text_at(now)
        channel_id = replay_channel_id(post.source)
        forward = None
        if post.forward_of is not None:
            original = self.corpus.find("telegram", post.forward_of.id)
            forward = types.MessageFwdHeader(
                date=original.posted_at if original else post.posted_at,
                from_id=types.PeerChannel(replay_channel_id(post.forward_of.source)),
                channel_post=int(post.forward_of.id))
        reply = None
        if post.reply_to is not None and post.reply_to.source.lower() == post.source.lower():
            reply = types.MessageReplyHeader(reply_to_msg_id=int(post.reply_to.id))
        return types.Message(
            id=int(post.id), peer_id=types.PeerChannel(channel_id), date=post.posted_at,
            message=text, post=True, fwd_from=forward, reply_to=reply, media=_media(post),
            entities=_entities(text, post.links) or None, views=post.views,
            edit_date=edited_at)
