"""The demo's X API v2: the replay corpus served over HTTP, as the API would have answered at
the replay clock's "now", so that tweepy's real `Client` code makes and parses every request.

Mounted as a `requests` transport adapter on the client's session; nothing leaves the
process. Edits get their own ids (as on X) and `edit_history_tweet_ids`; deleted tweets
vanish from timelines and answer "Not Found" to lookups.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from collectors.replay_corpus import Ref, ReplayClock, ReplayCorpus, ReplayPost
from collectors.x_mapping import TWITTER_EPOCH_MS

SEARCH_WINDOW = timedelta(days=7)
NOT_FOUND = "https://api.twitter.com/2/problems/resource-not-found"


def replay_user_id(handle: str) -> str:
    return str(100_000_000 + zlib.crc32(handle.lower().encode()) % 900_000_000)


def snowflake(at: datetime, worker: int, sequence: int) -> str:
    millis = int(at.timestamp() * 1000) - TWITTER_EPOCH_MS
    return str((millis << 22) | ((worker & 0x3FF) << 12) | (sequence & 0xFFF))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass(frozen=True)
class _Version:
    id: str
    at: datetime
    text: str


class ReplayXApi:
    """Answers X API v2 requests from the corpus at the clock's "now"."""

    def __init__(self, corpus: ReplayCorpus, clock: ReplayClock) -> None:
        self.corpus = corpus
        self.clock = clock
        self.handles = corpus.sources("twitter")
        self.user_ids = {replay_user_id(h): h for h in self.handles.values()}
        self._by_version: dict[str, ReplayPost] = {}
        for handle in self.handles.values():
            for post in corpus.of_source("twitter", handle):
                for version in self._all_versions(post):
                    self._by_version[version.id] = post

    # -- routing --------------------------------------------------------------------------

    def answer(self, method: str, url: str) -> tuple[int, dict[str, Any]]:
        parsed = urlparse(url)
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        parts = [p for p in parsed.path.split("/") if p]
        if method != "GET" or not parts or parts[0] != "2":
            return 404, _page_missing()
        if parts[1:4] == ["users", "by", "username"] and len(parts) == 5:
            return 200, self.user(parts[4])
        if parts[1] == "users" and len(parts) == 4 and parts[3] == "tweets":
            handle = self.user_ids.get(parts[2])
            if handle is None:
                return 200, {"errors": [_missing("user", parts[2], "id")]}
            return 200, self.timeline(handle, query)
        if parts[1:] == ["tweets"]:
            return 200, self.lookup(query.get("ids", "").split(","))
        if parts[1:] == ["tweets", "search", "recent"]:
            return 200, self.search(query)
        return 404, _page_missing()

    # -- endpoints ------------------------------------------------------------------------

    def user(self, username: str) -> dict[str, Any]:
        handle = self.handles.get(username.lower())
        if handle is None:
            return {"errors": [_missing("user", username, "username")]}
        return {"data": _user(handle)}

    def timeline(self, handle: str, query: dict[str, str]) -> dict[str, Any]:
        now = self.clock.now()
        posts = [p for p in self.corpus.of_source("twitter", handle) if p.visible_at(now)]
        return self._paged(posts, query, "pagination_token")

    def search(self, query: dict[str, str]) -> dict[str, Any]:
        now = self.clock.now()
        terms, authors = _search_terms(query.get("query", ""))
        found = [
            p for handle in self.handles.values() for p in self.corpus.of_source("twitter", handle)
            if p.visible_at(now) and p.posted_at >= now - SEARCH_WINDOW
            and (not authors or p.source.lower() in authors)
            and all(t in p.text_at(now)[0].lower() for t in terms)
        ]
        return self._paged(found, query, "next_token")

    def lookup(self, ids: list[str]) -> dict[str, Any]:
        now = self.clock.now()
        data: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        wanted: list[tuple[ReplayPost, _Version]] = []
        for tweet_id in (i for i in ids if i):
            post = self._by_version.get(tweet_id)
            versions = self.versions(post, now) if post and post.visible_at(now) else []
            version = next((v for v in versions if v.id == tweet_id), None)
            if post is None or version is None:
                errors.append(_missing("tweet", tweet_id, "ids"))
            else:
                wanted.append((post, version))
                data.append(self.tweet_json(post, version, now))
        body: dict[str, Any] = {"data": data} if data else {}
        if wanted:
            body["includes"] = self.includes([p for p, _ in wanted], now)
        if errors:
            body["errors"] = errors
        return body

    # -- building blocks ------------------------------------------------------------------

    def _all_versions(self, post: ReplayPost) -> list[_Version]:
        worker = (int(post.id) >> 12) & 0x3FF
        versions = [_Version(post.id, post.posted_at, post.text)]
        for n, edit in enumerate(post.edits, start=1):
            versions.append(_Version(snowflake(edit.at, worker, int(post.id) + n), edit.at,
                                     edit.text))
        return versions

    def versions(self, post: ReplayPost, now: datetime) -> list[_Version]:
        return [v for v in self._all_versions(post) if v.at <= now]

    def _paged(self, posts: list[ReplayPost], query: dict[str, str],
               token_name: str) -> dict[str, Any]:
        now = self.clock.now()
        latest = [(p, self.versions(p, now)[-1]) for p in posts]
        since, until = int(query.get("since_id") or 0), int(query.get("until_id") or 0)
        latest = [(p, v) for p, v in latest
                  if int(v.id) > since and (not until or int(v.id) < until)]
        latest.sort(key=lambda pv: int(pv[1].id), reverse=True)
        size = max(1, min(100, int(query.get("max_results") or 10)))
        offset = int(query.get(token_name, "o0").removeprefix("o") or 0)
        page = latest[offset:offset + size]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0][1].id, oldest_id=page[-1][1].id)
        if offset + size < len(latest):
            meta["next_token"] = f"o{offset + size}"
        if not page:
            return {"meta": meta}
        return {"data": [self.tweet_json(p, v, now) for p, v in page],
                "includes": self.includes([p for p, _ in page], now), "meta": meta}

    def tweet_json(self, post: ReplayPost, version: _Version, now: datetime) -> dict[str, Any]:
        text = version.text
        refs: list[dict[str, str]] = []
        if post.retweet_of is not None:
            refs.append({"type": "retweeted", "id": post.retweet_of.id})
            text = f"RT @{post.retweet_of.source}: {text}"
        if post.quote_of is not None:
            refs.append({"type": "quoted", "id": post.quote_of.id})
        if post.reply_to is not None:
            refs.append({"type": "replied_to", "id": post.reply_to.id})
        tweet: dict[str, Any] = {
            "id": version.id, "text": text, "created_at": _iso(version.at),
            "lang": post.lang or "und", "author_id": replay_user_id(post.source),
            "conversation_id": post.reply_to.id if post.reply_to else post.id,
            "edit_history_tweet_ids": [v.id for v in self.versions(post, now)],
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                               "quote_count": 0, "impression_count": post.views or 0},
        }
        if refs:
            tweet["referenced_tweets"] = refs
        if post.links:
            tweet["entities"] = {"urls": [_url_entity(text, link) for link in post.links]}
        if post.media:
            tweet["attachments"] = {"media_keys": [f"3_{post.id}"]}
        return tweet

    def includes(self, posts: list[ReplayPost], now: datetime) -> dict[str, Any]:
        users = {p.source.lower(): p.source for p in posts}
        tweets: dict[str, dict[str, Any]] = {}
        media = [{"media_key": f"3_{p.id}", "type": p.media} for p in posts if p.media]
        for post in posts:
            for earlier in self.versions(post, now)[:-1]:
                tweets[earlier.id] = self.tweet_json(post, earlier, now)
            for ref in (post.retweet_of, post.quote_of, post.reply_to):
                if ref is not None:
                    users.setdefault(ref.source.lower(), ref.source)
                    included = self._referenced(ref, now)
                    if included is not None:
                        tweets[included["id"]] = included
        body: dict[str, Any] = {"users": [_user(h) for h in users.values()]}
        if tweets:
            body["tweets"] = list(tweets.values())
        if media:
            body["media"] = media
        return body

    def _referenced(self, ref: Ref, now: datetime) -> dict[str, Any] | None:
        original = self.corpus.find("twitter", ref.id)
        if original is None or not original.visible_at(now):
            return None
        return self.tweet_json(original, self.versions(original, now)[-1], now)


class ReplayXAdapter(BaseAdapter):
    """A `requests` transport that answers from a `ReplayXApi` instead of the network."""

    def __init__(self, api: ReplayXApi) -> None:
        super().__init__()
        self.api = api
        self.calls: list[str] = []

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Any = None) -> requests.Response:
        url = str(request.url)
        self.calls.append(url)
        status, body = self.api.answer(str(request.method), url)
        response = requests.Response()
        response.status_code = status
        response.reason = "OK" if status == 200 else "Not Found"
        response.url = url
        response.request = request
        response.encoding = "utf-8"
        reset = int(self.api.clock.now().timestamp()) + 900
        response.headers = CaseInsensitiveDict({
            "content-type": "application/json; charset=utf-8",
            "x-rate-limit-limit": "1500", "x-rate-limit-remaining": "1499",
            "x-rate-limit-reset": str(reset)})
        response._content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return response

    def close(self) -> None:
        return None


def _user(handle: str) -> dict[str, str]:
    return {"id": replay_user_id(handle), "name": handle, "username": handle}


def _missing(kind: str, value: str, parameter: str) -> dict[str, str]:
    return {"value": value, "detail": f"Could not find {kind} with {parameter}: [{value}].",
            "title": "Not Found Error", "resource_type": kind, "parameter": parameter,
            "resource_id": value, "type": NOT_FOUND}


def _page_missing() -> dict[str, Any]:
    return {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]}


def _url_entity(text: str, link: str) -> dict[str, Any]:
    at = text.find(link)
    start, end = (at, at + len(link)) if at >= 0 else (len(text), len(text))
    return {"start": start, "end": end, "url": link, "expanded_url": link, "display_url": link}


def _search_terms(query: str) -> tuple[list[str], set[str]]:
    """Plain words (all must appear) and `from:` authors; other operators are ignored."""
    terms: list[str] = []
    authors: set[str] = set()
    for word in query.split():
        if word.lower().startswith("from:"):
            authors.add(word[5:].lower())
        elif not word.startswith("-") and ":" not in word:
            terms.append(word.strip('"').lower())
    return [t for t in terms if t], authors
