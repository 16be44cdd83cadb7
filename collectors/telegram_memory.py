"""Telethon's client semantics over channels held in memory: the one fake `TelegramApi`.

The test fake and the demo replay both build on it, so both answer exactly as the collector
expects Telethon to: `get_input_entity` resolves usernames (and raises Telethon's errors),
`get_messages` honours `limit`, `min_id`, `reverse` and `ids`, and every message is a real
`telethon.tl.types.Message`, finished as Telethon finishes it with the chats a response
carries (so `message.forward.chat` is the origin channel, with its access hash).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from telethon import errors, utils
from telethon.tl import types

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_UNSET = object()


@dataclass(frozen=True)
class ChannelEntry:
    handle: str
    channel_id: int
    access_hash: int


class InMemoryTelegram:
    """Subclasses say which channels exist and which messages each has right now."""

    def __init__(self) -> None:
        self.authorised = True
        self.connected = False
        self.resolved: list[str] = []  # usernames resolved through the (rate-limited) call
        self.requests: list[tuple[str, dict[str, Any]]] = []
        # What Telethon's Message._finish_init reads from its client.
        self._self_id: int | None = None
        self._mb_entity_cache: dict[int, Any] = {}

    # -- what subclasses provide ----------------------------------------------------------

    def channels(self) -> Iterable[ChannelEntry]:
        raise NotImplementedError

    def messages(self, channel_id: int) -> Sequence[types.Message]:
        """The channel's messages as a reader sees them now, in id order."""
        raise NotImplementedError

    def before_request(self, kind: str, params: dict[str, Any]) -> None:
        """Called before each request; a test raises Telethon errors from here."""

    def media_bytes(self, channel_id: int, message_id: int) -> bytes | None:
        """The file a message's media downloads as (none by default)."""
        return None

    # -- the TelegramApi methods ----------------------------------------------------------

    async def connect(self) -> None:
        self.before_request("connect", {})
        self.connected = True

    async def is_user_authorized(self) -> bool:
        return self.authorised

    def disconnect(self) -> None:
        self.connected = False

    async def get_input_entity(self, peer: Any) -> Any:
        if isinstance(peer, types.InputPeerChannel):
            return peer
        if not isinstance(peer, str):
            raise TypeError(f"cannot resolve {type(peer).__name__}")
        name = peer.removeprefix("@")
        self.before_request("resolve", {"username": name})
        if not _USERNAME.match(name):
            raise errors.UsernameInvalidError(request=None)
        self.resolved.append(name)
        for entry in self.channels():
            if entry.handle.lower() == name.lower():
                return types.InputPeerChannel(entry.channel_id, entry.access_hash)
        raise errors.UsernameNotOccupiedError(request=None)

    async def get_messages(
        self, entity: Any, limit: Any = _UNSET, *, min_id: int = 0, max_id: int = 0,
        reverse: bool = False, ids: Any = None,
    ) -> Any:
        channel = self._channel(entity)
        params = {"channel": channel.handle, "limit": limit, "min_id": min_id,
                  "max_id": max_id, "reverse": reverse, "ids": ids}
        self.requests.append(("get_messages", params))
        self.before_request("ids" if ids is not None else "history", params)
        messages = list(self.messages(channel.channel_id))
        if ids is not None:
            wanted = ids if isinstance(ids, list) else [ids]
            by_id = {m.id: m for m in messages}
            found = self._finished([by_id.get(int(i)) for i in wanted], entity)
            return found if isinstance(ids, list) else found[0]
        if limit is _UNSET:  # Telethon's default: one message, unless a range is given
            limit = None if (min_id and max_id) else 1
        chosen = [m for m in messages if m.id > min_id and (not max_id or m.id < max_id)]
        chosen.sort(key=lambda m: int(m.id), reverse=not reverse)
        return self._finished(chosen if limit is None else chosen[:int(limit)], entity)

    async def download_media(self, message: Any, file: Any = None, **kwargs: Any) -> Any:
        if file is not bytes:
            raise TypeError("only file=bytes is supported")
        peer = getattr(message, "peer_id", None)
        channel_id = int(getattr(peer, "channel_id", 0))
        handle = next((e.handle for e in self.channels() if e.channel_id == channel_id), "")
        params = {"channel": handle, "id": int(message.id)}
        self.requests.append(("download_media", params))
        self.before_request("download", params)
        media = getattr(message, "media", None)
        if not isinstance(media, types.MessageMediaPhoto | types.MessageMediaDocument):
            return None
        return self.media_bytes(channel_id, int(message.id))

    def _finished(self, messages: list[Any], peer: Any) -> list[Any]:
        """Messages as Telethon returns them: finished with the chats the response carried
        (every channel this reader can see: the one read and the origins of forwards)."""
        chats = {utils.get_peer_id(types.PeerChannel(e.channel_id)): types.Channel(
                     id=e.channel_id, title=e.handle, photo=types.ChatPhotoEmpty(), date=None,
                     broadcast=True, access_hash=e.access_hash, username=e.handle)
                 for e in self.channels()}
        for message in messages:
            if isinstance(message, types.Message):
                message._finish_init(self, chats, peer)
        return messages

    def _channel(self, entity: Any) -> ChannelEntry:
        if not isinstance(entity, types.InputPeerChannel):
            raise TypeError(f"expected InputPeerChannel, got {type(entity).__name__}")
        for entry in self.channels():
            if entry.channel_id == entity.channel_id:
                if entry.access_hash != entity.access_hash:
                    raise errors.ChannelInvalidError(request=None)
                return entry
        raise errors.ChannelPrivateError(request=None)
