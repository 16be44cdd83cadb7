"""The fake Telegram client at the `TelegramClient` boundary, and checks that it answers the way
Telethon does (the collector tests rely on it). Messages are real `telethon.tl.types.Message`
objects; failures are real Telethon errors raised where the real client would raise them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telethon import errors
from telethon.tl import types

from collectors.telegram_memory import ChannelEntry, InMemoryTelegram

BASE_TIME = datetime(2021, 11, 6, 20, 0, tzinfo=UTC)


def channel_id_for(handle: str) -> int:
    return 1_100_000_000 + sum(ord(c) for c in handle.lower()) * 1000


def message(handle: str, message_id: int, text: str = "", *, minutes: float | None = None,
            **fields: Any) -> types.Message:
    """A channel post as Telethon builds it from the wire."""
    when = BASE_TIME + timedelta(minutes=message_id if minutes is None else minutes)
    return types.Message(id=message_id, peer_id=types.PeerChannel(channel_id_for(handle)),
                         date=when, message=text or f"{handle} post {message_id}", post=True,
                         **fields)


class FakeTelegram(InMemoryTelegram):
    """Channels with fixed messages, plus scripted failures per kind of request."""

    def __init__(self) -> None:
        super().__init__()
        self._entries: dict[int, ChannelEntry] = {}
        self._messages: dict[int, list[types.Message]] = {}
        self._plans: list[tuple[str, int, BaseException, int]] = []  # kind, skip, error, times
        self._counts: dict[str, int] = {}

    def add_channel(self, handle: str, messages: Iterable[types.Message] = ()) -> ChannelEntry:
        entry = ChannelEntry(handle, channel_id_for(handle), channel_id_for(handle) * 7 + 1)
        self._entries[entry.channel_id] = entry
        self._messages[entry.channel_id] = sorted(messages, key=lambda m: m.id)
        return entry

    def add(self, handle: str, *messages: types.Message) -> None:
        bucket = self._messages[channel_id_for(handle)]
        bucket.extend(messages)
        bucket.sort(key=lambda m: m.id)

    def edit(self, handle: str, message_id: int, text: str, at: datetime) -> None:
        for m in self._messages[channel_id_for(handle)]:
            if m.id == message_id:
                m.message, m.edit_date = text, at

    def delete(self, handle: str, message_id: int) -> None:
        bucket = self._messages[channel_id_for(handle)]
        bucket[:] = [m for m in bucket if m.id != message_id]

    def fail(self, kind: str, error: BaseException, *, after: int = 0, times: int = 1,
             channel: str | None = None) -> None:
        """Raise `error` on requests of `kind` ('connect', 'resolve', 'history', 'ids'), after
        `after` successful ones, `times` times (-1: always)."""
        key = f"{kind}:{channel.lower()}" if channel else kind
        self._plans.append((key, after, error, times))

    def channels(self) -> Iterable[ChannelEntry]:
        return list(self._entries.values())

    def messages(self, channel_id: int) -> Sequence[types.Message]:
        return list(self._messages.get(channel_id, []))

    def before_request(self, kind: str, params: dict[str, Any]) -> None:
        channel = str(params.get("channel") or params.get("username") or "").lower()
        for key in (kind, f"{kind}:{channel}"):
            seen = self._counts.get(key, 0)
            self._counts[key] = seen + 1
            for i, (plan_key, after, error, times) in enumerate(self._plans):
                if plan_key == key and seen >= after and times != 0:
                    self._plans[i] = (plan_key, after, error, times - 1 if times > 0 else -1)
                    raise error

    def history_requests(self, handle: str) -> list[dict[str, Any]]:
        return [p for kind, p in self.requests
                if kind == "get_messages" and p["ids"] is None and p["channel"] == handle]


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_history_is_oldest_first_after_min_id_like_telethon() -> None:
    fake = FakeTelegram()
    entry = fake.add_channel("Tura313", [message("Tura313", i) for i in (3, 5, 8, 9, 12)])
    peer = run(fake.get_input_entity("@Tura313"))
    assert (peer.channel_id, peer.access_hash) == (entry.channel_id, entry.access_hash)
    page = run(fake.get_messages(peer, limit=2, min_id=5, reverse=True))
    assert [m.id for m in page] == [8, 9]
    newest = run(fake.get_messages(peer, limit=2))
    assert [m.id for m in newest] == [12, 9]
    assert run(fake.get_messages(peer)) == [newest[0]]  # Telethon's default limit is 1
    by_id = run(fake.get_messages(peer, ids=[9, 10]))
    assert by_id[0].id == 9 and by_id[1] is None


def test_resolution_and_access_raise_telethon_errors() -> None:
    fake = FakeTelegram()
    entry = fake.add_channel("Tura313")
    with pytest.raises(errors.UsernameNotOccupiedError):
        run(fake.get_input_entity("nobody_here"))
    with pytest.raises(errors.UsernameInvalidError):
        run(fake.get_input_entity("a!"))
    with pytest.raises(errors.ChannelInvalidError):
        run(fake.get_messages(types.InputPeerChannel(entry.channel_id, 1), limit=1))
    fake.fail("history", errors.FloodWaitError(request=None, capture=7), after=1)
    peer = types.InputPeerChannel(entry.channel_id, entry.access_hash)
    run(fake.get_messages(peer, limit=1))
    with pytest.raises(errors.FloodWaitError) as raised:
        run(fake.get_messages(peer, limit=1))
    assert raised.value.seconds == 7
    run(fake.get_messages(peer, limit=1))  # a failure planned once happens once
