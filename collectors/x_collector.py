"""X (API v2) collection through tweepy's `Client`: resolve once, read timelines and saved
searches from a `since_id` checkpoint, re-check the recent window. Rate limits, usage caps,
credentials and server errors are handled here and only here; tweepy never sleeps.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import requests
import tweepy

from collectors.outcomes import (
    Page,
    PlatformStopped,
    Recheck,
    SourceRateLimited,
    SourceUnavailable,
)
from collectors.records import PostRecord
from collectors.retry import DEFAULT_POLICY, AsyncSleep, RetryPolicy, retry_async
from collectors.storable import storable_problem
from collectors.x_api import EXPANSIONS, MEDIA_FIELDS, TWEET_FIELDS, USER_FIELDS
from collectors.x_mapping import Includes, TweetError, newest_last, tweet_id, tweet_to_record

log = logging.getLogger(__name__)

TRANSIENT = (tweepy.errors.TwitterServerError, requests.exceptions.ConnectionError,
             requests.exceptions.Timeout)
TIMELINE_MIN, SEARCH_MIN, PAGE_MAX = 5, 10, 100  # max_results bounds the API accepts
LOOKUP_MAX = 100
DEFAULT_RATE_WINDOW = timedelta(minutes=15)
FIELDS: dict[str, Any] = {"tweet_fields": TWEET_FIELDS, "expansions": EXPANSIONS,
                          "user_fields": USER_FIELDS, "media_fields": MEDIA_FIELDS}


def next_month(moment: datetime) -> datetime:
    first = moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)


@dataclass
class ReadAllowance:
    """Posts this process may still read this month under the configured budget."""

    budget: int
    used: int
    now: datetime

    @property
    def remaining(self) -> int:
        return max(0, self.budget - self.used)

    def page_size(self, minimum: int, wanted: int = PAGE_MAX) -> int:
        """The largest request that cannot exceed the budget; stops when even the smallest
        request the API accepts would."""
        size = min(wanted, PAGE_MAX, self.remaining)
        if size < minimum:
            raise PlatformStopped(
                f"the monthly X read budget ({self.budget} posts, setting "
                f"x_monthly_read_budget) is used up ({self.used} read); collection resumes "
                f"on {next_month(self.now):%Y-%m-%d}",
                state="cap_reached", until=next_month(self.now))
        return size

    def spend(self, reads: int) -> None:
        self.used += reads


@dataclass(frozen=True)
class XSettings:
    page_size: int = PAGE_MAX
    retry: RetryPolicy = DEFAULT_POLICY


@dataclass
class _Pagination:
    newest: str | None  # the newest id seen since the checkpoint: the next checkpoint
    until_id: str | None  # where an interrupted pagination resumes (exclusive)
    seen_tokens: set[str] = field(default_factory=set)


def _numeric_max(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return a if int(a) >= int(b) else b


def _problem(response: Any) -> dict[str, Any]:
    """The JSON problem document of an error response, or {} when it has none."""
    try:
        body = response.json()
    except (ValueError, AttributeError):
        return {}
    return body if isinstance(body, dict) else {}


def is_usage_cap(problem: dict[str, Any]) -> bool:
    """A monthly usage cap or spend limit: 429 too, but a different problem type."""
    kind = str(problem.get("type", "")).lower()
    title = str(problem.get("title", "")).lower()
    detail = str(problem.get("detail", "")).lower()
    return ("usage-capped" in kind or "usagecap" in title.replace(" ", "")
            or "usage cap" in detail or "spend" in f"{title} {detail}")


class XCollector:
    """One tweepy client, used for every X source of a run."""

    def __init__(
        self,
        client: Any,
        *,
        now: datetime,
        settings: XSettings | None = None,
        sleep: AsyncSleep = asyncio.sleep,
    ) -> None:
        self.client = client
        self.now = now
        self.settings = settings or XSettings()
        self._sleep = sleep
        self._blocked_until: dict[str, datetime] = {}
        self.last_limits: dict[str, Any] = {}
        hooks = getattr(getattr(client, "session", None), "hooks", None)
        if isinstance(hooks, dict):
            hooks.setdefault("response", []).append(self._remember_limits)

    def _remember_limits(self, response: Any, *args: Any, **kwargs: Any) -> None:
        headers = response.headers
        if "x-rate-limit-remaining" not in headers:
            return
        reset = headers.get("x-rate-limit-reset", "")
        self.last_limits = {
            "endpoint": urlparse(str(response.url)).path,
            "limit": int(headers.get("x-rate-limit-limit", 0) or 0),
            "remaining": int(headers["x-rate-limit-remaining"] or 0),
            "reset": (datetime.fromtimestamp(int(reset), UTC).isoformat()
                      if str(reset).isdigit() else None),
        }

    async def resolve_user(self, handle: str) -> int:
        """Username → user id (callers keep it, so each username is looked up once)."""
        response = await self._call(
            "users_by_username", f"looking up @{handle}",
            lambda: self.client.get_user(username=handle, user_fields=USER_FIELDS))
        users = _objects(response.data)
        if not users:
            raise SourceUnavailable(f"@{handle}: {_first_error(response.errors, 'not found')}")
        return int(tweet_id(users[0].get("id"), "user id"))

    def timeline(
        self, handle: str, user_id: int, since_id: str | None, resume: dict[str, Any] | None,
        allowance: ReadAllowance,
    ) -> AsyncIterator[Page]:
        def request(params: dict[str, Any]) -> Any:
            query = dict(params)  # retries call again with the same params: never mutate them
            token = query.pop("token", None)
            return self.client.get_users_tweets(user_id, pagination_token=token, **query,
                                                **FIELDS)
        return self._pages("users_tweets", f"reading @{handle}", request, handle, since_id,
                           resume, allowance, TIMELINE_MIN)

    def search(
        self, name: str, query: str, since_id: str | None, resume: dict[str, Any] | None,
        allowance: ReadAllowance,
    ) -> AsyncIterator[Page]:
        def request(params: dict[str, Any]) -> Any:
            options = dict(params)  # retries call again with the same params: never mutate them
            token = options.pop("token", None)
            return self.client.search_recent_tweets(query, next_token=token, **options,
                                                    **FIELDS)
        return self._pages("search_recent", f"searching {name!r}", request, None, since_id,
                           resume, allowance, SEARCH_MIN)

    async def _pages(
        self, endpoint: str, what: str, request: Callable[[dict[str, Any]], Any],
        handle: str | None, since_id: str | None, resume: dict[str, Any] | None,
        allowance: ReadAllowance, minimum: int,
    ) -> AsyncIterator[Page]:
        """Newest first, page by page. The checkpoint moves to the newest id only with the last
        page; until then `resume` remembers where an interrupted pagination stands."""
        state = _Pagination(newest=(resume or {}).get("newest"),
                            until_id=(resume or {}).get("until_id"))
        token: str | None = None
        resuming_until = state.until_id  # a token only works with its original parameters
        while True:
            params: dict[str, Any] = {
                "max_results": allowance.page_size(minimum, self.settings.page_size)}
            if since_id:
                params["since_id"] = since_id
            if resuming_until:
                params["until_id"] = resuming_until
            if token:
                params["token"] = token
            response = await self._call(endpoint, what, functools.partial(request, params))
            tweets = _objects(response.data)
            allowance.spend(len(tweets))
            records, rejected = map_page(tweets, response.includes, handle)
            meta = response.meta if isinstance(response.meta, dict) else {}
            state.newest = _numeric_max(state.newest, meta.get("newest_id"))
            state.until_id = meta.get("oldest_id") or state.until_id
            resume_here = {"newest": state.newest, "until_id": state.until_id}
            token = meta.get("next_token")
            count = meta.get("result_count")  # what X says the page holds
            reported = count if isinstance(count, int) and count >= 0 else None
            if token and token in state.seen_tokens:
                log.warning("X repeated a pagination token while %s; stopping here", what)
                yield Page(records, resume=resume_here, reads=len(tweets), rejected=rejected,
                           reported=reported)
                return
            if token:
                state.seen_tokens.add(token)
                yield Page(records, resume=resume_here, reads=len(tweets), rejected=rejected,
                           reported=reported)
                continue
            yield Page(records, checkpoint=state.newest, resume=None, reads=len(tweets),
                       rejected=rejected, reported=reported)
            return

    async def recheck(
        self, handle: str, posts: Sequence[tuple[str, str]], allowance: ReadAllowance
    ) -> Recheck:
        """Re-read recent tweets by id: `posts` are (native id, current version id) pairs."""
        result = Recheck()
        for i in range(0, len(posts), LOOKUP_MAX):
            chunk = list(posts[i:i + LOOKUP_MAX])
            if allowance.remaining < len(chunk):
                log.warning("X re-check of @%s cut short by the monthly read budget", handle)
                break
            ids = [current for _, current in chunk]
            response = await self._call(
                "tweets_lookup", f"re-checking @{handle}",
                functools.partial(self.client.get_tweets, ids, **FIELDS))
            tweets = {str(t.get("id")): t for t in _objects(response.data)}
            allowance.spend(len(tweets))
            result.reads += len(tweets)
            includes = Includes.from_json(response.includes)
            gone = {str(e.get("resource_id")) for e in _errors(response.errors)
                    if "not-found" in str(e.get("type", ""))}
            for native, current in chunk:
                tweet = tweets.get(current)
                if tweet is not None:
                    history = tweet.get("edit_history_tweet_ids") or [current]
                    if str(history[-1]) == current:  # a newer version comes by the timeline
                        try:
                            result.records.append(tweet_to_record(tweet, includes, handle=handle))
                        except TweetError as exc:
                            log.warning("X re-check of @%s: %s", handle, exc)
                elif current in gone:
                    result.missing.append(native)
        return result

    async def _call(self, endpoint: str, what: str, call: Callable[[], Any]) -> Any:
        blocked = self._blocked_until.get(endpoint)
        if blocked is not None and blocked > self.now:
            raise SourceRateLimited(
                f"X rate limit on {endpoint} until {blocked:%Y-%m-%d %H:%M} UTC", until=blocked)
        try:
            return await retry_async(lambda: asyncio.to_thread(call), retry_on=TRANSIENT,
                                     what=what, policy=self.settings.retry, sleep=self._sleep)
        except tweepy.errors.TooManyRequests as exc:
            problem = _problem(exc.response)
            reset = _reset_time(exc.response)
            if is_usage_cap(problem):
                detail = problem.get("detail") or problem.get("title") or "usage cap"
                raise PlatformStopped(
                    f"X usage cap reached ({detail}) while {what}: collection stops until the "
                    "cap resets", state="cap_reached", until=reset or next_month(self.now)
                ) from None
            until = reset or self.now + DEFAULT_RATE_WINDOW
            self._blocked_until[endpoint] = until
            raise SourceRateLimited(f"X rate limit (429) while {what}; reset at "
                                    f"{until:%Y-%m-%d %H:%M} UTC", until=until) from None
        except tweepy.errors.Unauthorized:
            raise PlatformStopped(
                "X rejected the credentials (401 Unauthorized): check x_bearer_token in the "
                "secrets file or CHORUS_X_BEARER_TOKEN", state="failed") from None
        except tweepy.errors.Forbidden as exc:
            raise PlatformStopped(
                f"X refused access (403 Forbidden) while {what}: {_api_message(exc)}; the "
                "bearer token's app or plan may not include this endpoint", state="failed"
            ) from None
        except (tweepy.errors.NotFound, tweepy.errors.BadRequest) as exc:
            raise SourceUnavailable(f"X answered {exc.response.status_code} while {what}: "
                                    f"{_api_message(exc)}") from None


def map_page(
    tweets: list[dict[str, Any]], includes: Any, handle: str | None
) -> tuple[list[PostRecord], list[str]]:
    """Records for a page's tweets; each unusable tweet is reported, never guessed."""
    index = Includes.from_json(includes)
    records: list[PostRecord] = []
    rejected: list[str] = []
    for tweet in tweets:
        try:
            record = tweet_to_record(tweet, index, handle=handle)
        except TweetError as exc:
            rejected.append(str(exc))
            continue
        except ValueError as exc:  # PostRecord's own checks
            rejected.append(f"tweet {str(tweet.get('id'))[:30]}: {exc}")
            continue
        problem = storable_problem(record)
        if problem:
            rejected.append(f"tweet {record.native_id}: {problem}")
        else:
            records.append(record)
    return newest_last(records), rejected


def _objects(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    found = [getattr(item, "data", item) for item in items]
    return [item for item in found if isinstance(item, dict)]


def _errors(value: Any) -> list[dict[str, Any]]:
    return [e for e in value or () if isinstance(e, dict)]


def _first_error(errors: Any, default: str) -> str:
    for error in _errors(errors):
        return str(error.get("detail") or error.get("title") or default)
    return default


def _api_message(exc: tweepy.errors.HTTPException) -> str:
    messages = [str(m) for m in getattr(exc, "api_messages", []) if m]
    if messages:
        return "; ".join(messages)[:300]
    problem = _problem(exc.response)
    return str(problem.get("detail") or problem.get("title") or exc.response.reason)[:300]


def _reset_time(response: Any) -> datetime | None:
    value = str(getattr(response, "headers", {}).get("x-rate-limit-reset", ""))
    return datetime.fromtimestamp(int(value), UTC) if value.isdigit() else None
