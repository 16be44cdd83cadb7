"""How a collection can stop short, in platform-neutral terms the application records.

Collectors translate Telethon and tweepy errors into these; the application turns them into
collector states ('rate_limited', 'failed', 'logged_out', 'cap_reached') that tell a quiet
source from a blind one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from collectors.records import PostRecord


class CollectionStopped(Exception):
    """Base: collection of a source (or a whole platform) cannot go on now."""

    state = "failed"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class SourceRateLimited(CollectionStopped):
    """This source may be read again at `until`; the others go on."""

    state = "rate_limited"

    def __init__(self, reason: str, until: datetime) -> None:
        super().__init__(reason)
        self.until = until


class SourceUnavailable(CollectionStopped):
    """This source cannot be read (private, unknown, invalid); the others go on."""

    state = "failed"


class PlatformStopped(CollectionStopped):
    """No source of this platform can be read until a person acts (log in, fix credentials)
    or until `until` (a usage cap); `state` says which."""

    def __init__(self, reason: str, state: str, until: datetime | None = None) -> None:
        super().__init__(reason)
        self.state = state
        self.until = until


@dataclass
class Page:
    """Records to commit together, and where the source stands once they are committed.

    `checkpoint` (a native id) moves forward only when set; `resume` is opaque state for a
    pagination left half way (None clears it); `reads` counts API reads for budgets.
    `gaps` (Telegram) are runs of message ids the history skipped; `reported` (X) is the
    count the response said it held, where it says one; `channels` (Telegram) are the origin
    channels of forwards that came with the messages.
    """

    records: list[PostRecord]
    checkpoint: str | None = None
    resume: dict[str, Any] | None = None
    reads: int = 0
    rejected: list[str] = field(default_factory=list)
    gaps: list[IdGap] = field(default_factory=list)
    reported: int | None = None
    channels: list[SeenChannel] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SeenChannel:
    """A channel Telegram sent with messages (a forward's origin): enough to read it later
    without resolving its username."""

    channel_id: int
    access_hash: int
    username: str | None
    title: str


@dataclass(frozen=True)
class IdGap:
    """Message ids after_id < id < before_id that a channel's history did not return;
    `day` is the UTC day of the message after the gap."""

    after_id: int
    before_id: int
    day: date

    @property
    def ids(self) -> range:
        return range(self.after_id + 1, self.before_id)


@dataclass
class Recheck:
    """What a re-read of recent posts found: current versions, and the ids that are gone."""

    records: list[PostRecord] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reads: int = 0
