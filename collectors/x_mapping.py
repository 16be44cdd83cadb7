"""X API v2 tweet JSON → `PostRecord`, shared by the live collector and the twarc importer.

An edited tweet is stored under the id of its first version (edits become versions of one
post); retweets, quotes and replies keep their provenance; times come from `created_at`
or, when a response lacks it, from the snowflake id itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from collectors.records import PostKind, PostRecord

TWITTER_EPOCH_MS = 1288834974657
MAX_TEXT = 1_000_000


class TweetError(ValueError):
    """Why one tweet cannot be used."""


def snowflake_time(tweet_id: str | int) -> datetime:
    """The creation time an X id carries in its top bits (ids since late 2010)."""
    millis = (int(tweet_id) >> 22) + TWITTER_EPOCH_MS
    return datetime.fromtimestamp(millis / 1000, UTC)


def parse_time(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise TweetError(f"{name} must be an ISO 8601 string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise TweetError(f"{name} is not an ISO 8601 time: {value[:40]!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def tweet_id(value: Any, name: str = "id") -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 20:
        return value
    raise TweetError(f"{name} must be a numeric id, got {str(value)[:40]!r}")


def _objects(value: Any) -> list[dict[str, Any]]:
    """Plain dicts from JSON lists or from tweepy model objects (which keep `.data`)."""
    items: list[dict[str, Any]] = []
    for item in value or ():
        data = getattr(item, "data", item)
        if isinstance(data, dict):
            items.append(data)
    return items


@dataclass
class Includes:
    """A response page's `includes`, indexed: users and tweets by id, media by key."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    tweets: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, includes: Any) -> Includes:
        if not isinstance(includes, Mapping):
            return cls()
        return cls(
            users={str(u["id"]): u for u in _objects(includes.get("users")) if "id" in u},
            tweets={str(t["id"]): t for t in _objects(includes.get("tweets")) if "id" in t},
            media={str(m["media_key"]): m for m in _objects(includes.get("media"))
                   if "media_key" in m},
        )

    def username(self, user_id: Any) -> str | None:
        user = self.users.get(str(user_id)) if user_id is not None else None
        name = user.get("username") if user else None
        return name if isinstance(name, str) and name else None


def _links(tweet: Mapping[str, Any]) -> list[str]:
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, Mapping) else None
    found: list[str] = []
    for url in urls if isinstance(urls, list) else ():
        if isinstance(url, Mapping):
            best = url.get("unwound_url") or url.get("expanded_url") or url.get("url")
            if isinstance(best, str) and best:
                found.append(best)
    return list(dict.fromkeys(found))


def _media(tweet: Mapping[str, Any], includes: Includes) -> dict[str, Any] | None:
    attachments = tweet.get("attachments")
    keys = attachments.get("media_keys") if isinstance(attachments, Mapping) else None
    if not isinstance(keys, list) or not keys:
        return None
    items = [includes.media[str(k)] for k in keys if str(k) in includes.media]
    if not items:
        return {"type": "unknown", "media_keys": [str(k) for k in keys]}
    return {"type": str(items[0].get("type", "unknown")), "count": len(keys), "items": items}


def _references(tweet: Mapping[str, Any]) -> dict[str, str]:
    refs = tweet.get("referenced_tweets")
    if refs is None:
        return {}
    if not isinstance(refs, list):
        raise TweetError("referenced_tweets must be a list")
    found: dict[str, str] = {}
    for ref in refs:
        if not isinstance(ref, Mapping) or not isinstance(ref.get("type"), str):
            raise TweetError("referenced_tweets entries need a type and an id")
        found.setdefault(ref["type"], tweet_id(ref.get("id"), "referenced_tweets.id"))
    return found


def _history(tweet: Mapping[str, Any], current: str) -> list[str]:
    history = tweet.get("edit_history_tweet_ids")
    if history is None:
        return [current]
    if not isinstance(history, list) or not history:
        raise TweetError("edit_history_tweet_ids must be a non-empty list of ids")
    ids = [tweet_id(h, "edit_history_tweet_ids") for h in history]
    return ids if current in ids else [*ids, current]


def tweet_to_record(
    tweet: Any, includes: Includes, *, handle: str | None = None
) -> PostRecord:
    """One tweet as a record. `handle` is the timeline it came from; without it (searches,
    twarc files) the author must be named in the includes, never guessed."""
    if not isinstance(tweet, Mapping):
        raise TweetError(f"a tweet must be a JSON object, got {type(tweet).__name__}")
    current = tweet_id(tweet.get("id"))
    text = tweet.get("text")
    if not isinstance(text, str):
        raise TweetError(f"tweet {current}: text must be a string")
    if len(text) > MAX_TEXT:
        raise TweetError(f"tweet {current}: text is longer than {MAX_TEXT} characters")
    author = includes.username(tweet.get("author_id"))
    source = handle or author
    if source is None:
        why = (f"author_id {tweet['author_id']} is not among the included users"
               if tweet.get("author_id") else "it has no author_id")
        raise TweetError(f"tweet {current}: no author can be attributed ({why})")
    history = _history(tweet, current)
    native_id = history[0]
    created = parse_time(tweet["created_at"], "created_at") if tweet.get("created_at") else None
    if native_id == current:
        posted_at, edited_at = created or snowflake_time(current), None
    else:  # this is a later version: the post is as old as its first version
        posted_at, edited_at = snowflake_time(native_id), created or snowflake_time(current)
    earlier = [includes.tweets[h]["text"] for h in history
               if h != current and isinstance(includes.tweets.get(h, {}).get("text"), str)]

    refs = _references(tweet)
    kind: PostKind = "post"
    body, links = text, _links(tweet)
    forwarded_from = forwarded_from_id = quote_of = reply_to = None
    referenced: list[dict[str, Any]] = []
    if "retweeted" in refs:
        kind, forwarded_from_id = "retweet", refs["retweeted"]
        original = includes.tweets.get(refs["retweeted"])
        if original is not None:
            referenced.append(original)
            forwarded_from = includes.username(original.get("author_id"))
            if isinstance(original.get("text"), str):
                body = original["text"]  # the RT text is truncated; the original is whole
            links = list(dict.fromkeys([*_links(original), *links]))
        if forwarded_from is None and text.startswith("RT @"):
            forwarded_from = text[4:].split(":", 1)[0].strip() or None
    if "quoted" in refs:
        quote_of = refs["quoted"]
        kind = "quote" if kind == "post" else kind
        if refs["quoted"] in includes.tweets:
            referenced.append(includes.tweets[refs["quoted"]])
    if "replied_to" in refs:
        reply_to = refs["replied_to"]
        kind = "reply" if kind == "post" else kind
    metrics = tweet.get("public_metrics")
    lang = tweet.get("lang")
    raw: dict[str, Any] = {"tweet": dict(tweet)}
    if referenced:
        raw["referenced"] = referenced
    if tweet.get("author_id") is not None and str(tweet["author_id"]) in includes.users:
        raw["author"] = includes.users[str(tweet["author_id"])]
    return PostRecord(
        platform="twitter",
        source=source,
        native_id=native_id,
        posted_at=posted_at,
        edited_at=edited_at,
        text=body,
        lang=lang if isinstance(lang, str) and lang else None,
        url=f"https://x.com/{source}/status/{current}",
        kind=kind,
        forwarded_from=forwarded_from,
        forwarded_from_id=forwarded_from_id,
        quote_of=quote_of,
        reply_to=reply_to,
        links=links,
        metrics=dict(metrics) if isinstance(metrics, Mapping) else {},
        media=_media(tweet, includes),
        raw=raw,
        earlier_texts=earlier,
    )


def newest_last(records: Iterable[PostRecord]) -> list[PostRecord]:
    """Records ordered so that, for one post, its newest version comes last in a batch (the
    bulk write keeps the last record per post)."""
    return sorted(records, key=lambda r: int(r.raw.get("tweet", {}).get("id", r.native_id)))
