"""Telegram channel collection through a `TelegramApi` client: resolve once, read history from a
checkpoint in pages, re-check the recent window. Telethon's errors are handled here and only
here (flood waits, private or unknown channels, lost sessions, dropped connections).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from telethon import errors
from telethon.tl import types

from collectors.outcomes import (
    IdGap,
    Page,
    PlatformStopped,
    Recheck,
    SourceRateLimited,
    SourceUnavailable,
)
from collectors.records import PostRecord
from collectors.retry import DEFAULT_POLICY, AsyncSleep, RetryPolicy, retry_async
from collectors.storable import storable_problem
from collectors.telegram_api import TelegramApi
from collectors.telegram_mapping import forwarded_channel, message_to_record

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_PAGE = 100  # the most messages Telegram returns per history request
# Worth retrying: the connection dropped or Telegram's side failed for a moment.
TRANSIENT = (ConnectionError, TimeoutError, errors.ServerError, errors.TimedOutError)
# Nothing to do for this channel until a person looks at it.
UNAVAILABLE: dict[type[Exception], str] = {
    errors.ChannelPrivateError: "the channel is private or this account is banned from it",
    errors.UsernameNotOccupiedError: "no channel or user has this username",
    errors.UsernameInvalidError: "the username is not valid",
    errors.ChannelInvalidError: "the stored channel id or access hash is no longer valid",
    errors.ChannelBannedError: "this account is banned from the channel",
}
LOGIN_AGAIN = "log in again with `chorus telegram login`"


@dataclass(frozen=True)
class Channel:
    handle: str
    channel_id: int
    access_hash: int

    def input_peer(self) -> types.InputPeerChannel:
        return types.InputPeerChannel(self.channel_id, self.access_hash)


@dataclass(frozen=True)
class TelegramSettings:
    page_size: int = MAX_PAGE
    flood_wait_threshold_s: float = 60.0  # waits up to this are slept through
    max_flood_sleeps: int = 3  # per request: a channel that keeps asking is skipped instead
    retry: RetryPolicy = DEFAULT_POLICY


class TelegramCollector:
    """One logged-in client, used for every channel of a run."""

    def __init__(
        self,
        client: TelegramApi,
        settings: TelegramSettings,
        *,
        now: datetime,
        sleep: AsyncSleep = asyncio.sleep,
    ) -> None:
        self.client = client
        self.settings = settings
        self.now = now
        self._sleep = sleep

    async def start(self) -> None:
        """Connect and check the session; a lost session stops all Telegram collection."""
        await self._call("connecting to Telegram", self.client.connect, None)
        authorised = await self._call("checking the Telegram session",
                                      self.client.is_user_authorized, None)
        if not authorised:
            raise PlatformStopped(f"the Telegram session is not logged in: {LOGIN_AGAIN}",
                                  state="logged_out")

    async def close(self) -> None:
        result = self.client.disconnect()
        if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
            await result

    async def resolve(self, handle: str) -> Channel:
        """Username → channel id and access hash (rate-limited: callers keep the result)."""
        entity = await self._call(f"resolving @{handle}",
                                  lambda: self.client.get_input_entity(handle), handle)
        if not isinstance(entity, types.InputPeerChannel):
            raise SourceUnavailable(
                f"@{handle} is not a channel (Telegram says {type(entity).__name__})")
        return Channel(handle, entity.channel_id, entity.access_hash)

    async def history(
        self, channel: Channel, after_id: int, channel_handles: Mapping[int, str]
    ) -> AsyncIterator[Page]:
        """Pages of messages newer than `after_id`, oldest first. Each page's checkpoint is its
        last id: the caller stores it with the page, so the next page starts after it."""
        page_size = max(1, min(MAX_PAGE, self.settings.page_size))
        last = after_id
        peer = channel.input_peer()
        # Ids are sequential per channel: those skipped between two returned (a post or a
        # service message) are possible missing posts. A new channel starts at its first.
        previous = after_id or None
        while True:
            start = last
            batch = await self._call(
                f"reading @{channel.handle} after {start}",
                functools.partial(self.client.get_messages, peer, limit=page_size,
                                  min_id=start, reverse=True),
                channel.handle)
            messages = sorted((m for m in batch or () if m is not None and m.id > start),
                              key=lambda m: int(m.id))
            if not messages:
                return
            records, rejected = _storable(
                message_to_record(m, channel.handle, channel_handles) for m in messages)
            gaps = _gaps(previous, messages)
            last = previous = int(messages[-1].id)
            channels = [c for c in map(forwarded_channel, messages) if c is not None]
            yield Page(records, checkpoint=str(last), rejected=rejected, gaps=gaps,
                       channels=channels)
            if len(batch) < page_size:
                return

    async def recheck(
        self, channel: Channel, ids: Sequence[int], channel_handles: Mapping[int, str]
    ) -> Recheck:
        """Re-read known messages: current texts (edits) and the ones that are gone."""
        result = Recheck()
        peer = channel.input_peer()
        for i in range(0, len(ids), MAX_PAGE):
            chunk = list(ids[i:i + MAX_PAGE])
            found = await self._call(f"re-checking @{channel.handle}",
                                     functools.partial(self.client.get_messages, peer, ids=chunk),
                                     channel.handle)
            by_id = {int(m.id): m for m in found or () if isinstance(m, types.Message)}
            for message_id in chunk:
                message = by_id.get(message_id)
                record: PostRecord | None = None
                if message is not None:
                    record = message_to_record(message, channel.handle, channel_handles)
                if record is None:
                    result.missing.append(str(message_id))
                else:
                    result.records.append(record)
        result.records, unstorable = _storable(result.records)
        for reason in unstorable:
            log.warning("re-check of @%s: %s", channel.handle, reason)
        return result

    async def call(self, what: str, call: Callable[[], Awaitable[T]], handle: str | None) -> T:
        """One request through the same rules as messages (collectors/telegram_photos.py)."""
        return await self._call(what, call, handle)

    async def _call(
        self, what: str, call: Callable[[], Awaitable[T]], handle: str | None
    ) -> T:
        """One request: transient failures retried, short flood waits slept through, the rest
        turned into outcomes the application records."""
        flood_sleeps = 0
        while True:
            try:
                return await retry_async(call, retry_on=TRANSIENT, what=what,
                                         policy=self.settings.retry, sleep=self._sleep)
            except errors.FloodWaitError as exc:
                seconds = int(exc.seconds)
                if (seconds <= self.settings.flood_wait_threshold_s
                        and flood_sleeps < self.settings.max_flood_sleeps):
                    flood_sleeps += 1
                    await self._sleep(float(seconds))
                    continue
                raise SourceRateLimited(
                    f"Telegram asked to wait {seconds}s while {what}",
                    until=self.now + timedelta(seconds=seconds)) from None
            except tuple(UNAVAILABLE) as exc:
                reason = next(text for kind, text in UNAVAILABLE.items() if isinstance(exc, kind))
                raise SourceUnavailable(f"@{handle}: {reason}" if handle else reason) from None
            except errors.AuthKeyDuplicatedError:
                raise PlatformStopped(
                    "the Telegram session was used from two places at once and is no longer "
                    f"valid: {LOGIN_AGAIN}", state="logged_out") from None
            except (errors.UnauthorizedError, errors.AuthKeyError) as exc:
                raise PlatformStopped(
                    f"Telegram no longer accepts this session ({type(exc).__name__}): "
                    f"{LOGIN_AGAIN}", state="logged_out") from None


def _gaps(previous: int | None, messages: Sequence[Any]) -> list[IdGap]:
    """Runs of ids missing between `previous` and the page's messages (oldest first)."""
    gaps: list[IdGap] = []
    for m in messages:
        if previous is not None and int(m.id) > previous + 1:
            when = m.date if isinstance(m.date, datetime) else None
            gaps.append(IdGap(previous, int(m.id), (when.astimezone(UTC) if when else
                                                    datetime.now(UTC)).date()))
        previous = int(m.id)
    return gaps


def _storable(records: Iterable[PostRecord | None]) -> tuple[list[PostRecord], list[str]]:
    """Records that can be stored, and why the others cannot (service messages are skipped)."""
    kept: list[PostRecord] = []
    rejected: list[str] = []
    for record in records:
        if record is None:
            continue
        problem = storable_problem(record)
        if problem:
            rejected.append(f"message {record.native_id}: {problem}")
        else:
            kept.append(record)
    return kept, rejected


def resume_after(checkpoint: str | None) -> int:
    """The message id to read after: the checkpoint, or 0 for a new channel."""
    if checkpoint is None or not checkpoint.isdigit():
        return 0
    return int(checkpoint)


def known_channel(handle: str, platform_id: int | None, access_hash: int | None) -> Channel | None:
    if platform_id is None or access_hash is None:
        return None
    return Channel(handle, platform_id, access_hash)
