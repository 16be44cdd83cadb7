"""The typed records every collector and importer yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Platform = Literal["telegram", "twitter"]
PLATFORMS: tuple[str, ...] = ("telegram", "twitter")
PostKind = Literal["post", "forward", "retweet", "quote", "reply"]


@dataclass(slots=True)
class PostRecord:
    """One post as a collector saw it. Times are timezone-aware."""

    platform: Platform
    source: str  # handle of the source it was collected from
    native_id: str
    posted_at: datetime
    text: str
    lang: str | None = None
    url: str | None = None
    kind: PostKind = "post"
    edited_at: datetime | None = None
    forwarded_from: str | None = None
    forwarded_from_id: str | None = None
    reply_to: str | None = None
    quote_of: str | None = None
    links: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    media: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)  # analyst-confirmed narrative keys
    # Earlier texts seen for this post (oldest first), e.g. X edit history.
    earlier_texts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.posted_at.tzinfo is None:
            raise ValueError("posted_at must carry a time zone")
        if self.edited_at is not None and self.edited_at.tzinfo is None:
            raise ValueError("edited_at must carry a time zone")


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """An input record that could not be used: where it was and why."""

    location: str  # "line 12", "message 4410"
    reason: str
