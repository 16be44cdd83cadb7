"""The replay corpus (seeds/replay/corpus.jsonl) and the replay clock.

Each line is one post as authored: `platform`, `source`, `id`, `posted_at`, `text`, `lang`,
optional `edits` [{at, text}], `deleted_at`, `forward_of` / `retweet_of` / `quote_of` /
`reply_to` ({source, id}), `views`, `media`, `links`, and `card` ({text}) for a photo that is a
statement card (the replay's Telegram serves it rendered by seeds.cards). `expected_narratives`
is ground truth for evaluation and is never handed to the collectors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any


class ReplayCorpusError(Exception):
    """The corpus file is unusable; the message names the line and the field."""


@dataclass(frozen=True)
class Ref:
    source: str
    id: str


@dataclass(frozen=True)
class Edit:
    at: datetime
    text: str


@dataclass(frozen=True)
class ReplayPost:
    platform: str
    source: str
    id: str
    posted_at: datetime
    text: str
    lang: str | None = None
    edits: tuple[Edit, ...] = ()
    deleted_at: datetime | None = None
    forward_of: Ref | None = None
    retweet_of: Ref | None = None
    quote_of: Ref | None = None
    reply_to: Ref | None = None
    views: int | None = None
    media: str | None = None
    links: tuple[str, ...] = ()
    card: str | None = None  # the photo is a statement card with this text (seeds.cards)

    def visible_at(self, now: datetime) -> bool:
        return self.posted_at <= now and (self.deleted_at is None or self.deleted_at > now)

    def edits_until(self, now: datetime) -> tuple[Edit, ...]:
        return tuple(e for e in self.edits if e.at <= now)

    def text_at(self, now: datetime) -> tuple[str, datetime | None]:
        """The text a reader saw at `now` and when it was last edited (None: never)."""
        made = self.edits_until(now)
        return (made[-1].text, made[-1].at) if made else (self.text, None)


class ReplayClock:
    """The replay's settable "now"."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the replay clock needs a time zone")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the replay clock needs a time zone")
        self._now = moment

    def advance(self, step: timedelta) -> datetime:
        self._now += step
        return self._now


def _time(obj: dict[str, Any], name: str, where: str) -> datetime:
    value = obj.get(name)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ReplayCorpusError(f"{where}: {name} is not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise ReplayCorpusError(f"{where}: {name} has no UTC offset")
    return parsed


def _ref(obj: dict[str, Any], name: str, where: str) -> Ref | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, dict) or not value.get("source") or not value.get("id"):
        raise ReplayCorpusError(f"{where}: {name} must be {{source, id}}")
    return Ref(str(value["source"]), str(value["id"]))


def parse_post(obj: Any, where: str) -> ReplayPost:
    if not isinstance(obj, dict):
        raise ReplayCorpusError(f"{where}: expected a JSON object")
    for name in ("platform", "source", "id", "posted_at", "text"):
        if not isinstance(obj.get(name), str):
            raise ReplayCorpusError(f"{where}: {name} must be a string")
    if obj["platform"] not in ("telegram", "twitter"):
        raise ReplayCorpusError(f"{where}: unknown platform {obj['platform']!r}")
    if not obj["id"].isdigit():
        raise ReplayCorpusError(f"{where}: id must be numeric, got {obj['id']!r}")
    edits = obj.get("edits") or []
    if not isinstance(edits, list) or not all(isinstance(e, dict) for e in edits):
        raise ReplayCorpusError(f"{where}: edits must be a list of {{at, text}}")
    views = obj.get("views")
    return ReplayPost(
        platform=obj["platform"], source=obj["source"], id=obj["id"],
        posted_at=_time(obj, "posted_at", where), text=obj["text"], lang=obj.get("lang"),
        edits=tuple(sorted((Edit(_time(e, "at", where), str(e.get("text", ""))) for e in edits),
                           key=lambda e: e.at)),
        deleted_at=_time(obj, "deleted_at", where) if obj.get("deleted_at") else None,
        forward_of=_ref(obj, "forward_of", where), retweet_of=_ref(obj, "retweet_of", where),
        quote_of=_ref(obj, "quote_of", where), reply_to=_ref(obj, "reply_to", where),
        views=views if isinstance(views, int) else None,
        media=obj.get("media") if isinstance(obj.get("media"), str) else None,
        links=tuple(str(link) for link in obj.get("links") or ()),
        card=_card(obj, where),
    )


def _card(obj: dict[str, Any], where: str) -> str | None:
    card = obj.get("card")
    if card is None:
        return None
    if not isinstance(card, dict) or not isinstance(card.get("text"), str) or not card["text"]:
        raise ReplayCorpusError(f"{where}: card must be {{\"text\": \"...\"}}")
    if obj.get("media") != "photo":
        raise ReplayCorpusError(f"{where}: a card is a photo (media must be \"photo\")")
    return str(card["text"])


class ReplayCorpus:
    """Posts by platform and source handle (case-insensitive), in posting order."""

    def __init__(self, posts: list[ReplayPost]) -> None:
        self.posts = sorted(posts, key=lambda p: (p.posted_at, int(p.id)))
        self._by_source: dict[tuple[str, str], list[ReplayPost]] = {}
        self._by_id: dict[tuple[str, str], ReplayPost] = {}
        for post in self.posts:
            self._by_source.setdefault((post.platform, post.source.lower()), []).append(post)
            self._by_id[(post.platform, post.id)] = post

    @classmethod
    def load(cls, path: Path) -> ReplayCorpus:
        posts: list[ReplayPost] = []
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path.name} line {number}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ReplayCorpusError(f"{where}: invalid JSON: {exc.msg}") from None
                posts.append(parse_post(obj, where))
        return cls(posts)

    def sources(self, platform: str) -> dict[str, str]:
        """Lower-cased handle → handle as written, for one platform."""
        return {key: posts[0].source for (plat, key), posts in self._by_source.items()
                if plat == platform}

    def of_source(self, platform: str, handle: str) -> list[ReplayPost]:
        return self._by_source.get((platform, handle.lower()), [])

    def find(self, platform: str, native_id: str) -> ReplayPost | None:
        return self._by_id.get((platform, native_id))

    @property
    def start(self) -> datetime:
        return self.posts[0].posted_at

    @property
    def end(self) -> datetime:
        return self.posts[-1].posted_at
