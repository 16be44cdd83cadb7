"""twarc2 JSONL: each line an X API v2 response page (`data`, `includes`, `meta`, `__twarc`),
or one tweet per line as `twarc2 flatten` writes it. Streamed line by line and mapped exactly
as the live collector maps API responses.

Each tweet is attributed to its author from the page's includes (or a user seen on an
earlier page of the same file); a tweet whose author cannot be named is reported.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator
from typing import IO, Any

from collectors.records import PostRecord, RejectedRecord
from collectors.storable import SURROGATE_ESCAPE_BYTES, storable_problem
from collectors.x_mapping import Includes, tweet_to_record

KNOWN_USERS_KEPT = 100_000  # users remembered across pages, least recently seen dropped


class _Users:
    """Users seen so far in the file, bounded so that memory stays flat."""

    def __init__(self) -> None:
        self._users: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def remember(self, includes: Includes) -> None:
        for user_id, user in includes.users.items():
            self._users[user_id] = user
            self._users.move_to_end(user_id)
        while len(self._users) > KNOWN_USERS_KEPT:
            self._users.popitem(last=False)

    def fill_in(self, includes: Includes, tweets: list[Any]) -> None:
        for tweet in tweets:
            author = str(tweet.get("author_id")) if isinstance(tweet, dict) else None
            if author and author not in includes.users and author in self._users:
                includes.users[author] = self._users[author]


def _flattened(obj: dict[str, Any]) -> tuple[list[Any], Includes]:
    """`twarc2 flatten` puts the author and referenced tweets inside the tweet itself."""
    includes = Includes()
    author = obj.get("author")
    if isinstance(author, dict) and "id" in author:
        includes.users[str(author["id"])] = author
    for ref in obj.get("referenced_tweets") or ():
        if isinstance(ref, dict) and "text" in ref and "id" in ref:
            includes.tweets[str(ref["id"])] = ref
            ref_author = ref.get("author")
            if isinstance(ref_author, dict) and "id" in ref_author:
                includes.users[str(ref_author["id"])] = ref_author
    return [obj], includes


def _page(obj: dict[str, Any]) -> tuple[list[Any], Includes] | None:
    data = obj.get("data")
    if data is None:
        return None
    tweets = data if isinstance(data, list) else [data]
    return tweets, Includes.from_json(obj.get("includes"))


def read_twarc(stream: IO[bytes]) -> Iterator[PostRecord | RejectedRecord]:
    users = _Users()
    for number, raw_line in enumerate(stream, start=1):
        if not raw_line.strip():
            continue
        where = f"line {number}"
        try:
            obj = json.loads(raw_line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            yield RejectedRecord(where, f"not UTF-8 (byte {exc.start})")
            continue
        except json.JSONDecodeError as exc:
            yield RejectedRecord(where, f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield RejectedRecord(where, "invalid JSON: nested too deeply")
            continue
        if not isinstance(obj, dict):
            yield RejectedRecord(where, f"expected a JSON object, got {type(obj).__name__}")
            continue
        if "data" in obj:
            page = _page(obj)
            if page is None:
                continue
            tweets, includes = page
            if not all(isinstance(t, dict) for t in tweets):
                yield RejectedRecord(where, "data must be a tweet object or a list of them")
                continue
        elif "id" in obj and "text" in obj:
            tweets, includes = _flattened(obj)
        elif "meta" in obj or "errors" in obj:
            continue  # a page with no tweets (or only errors for missing ones)
        else:
            yield RejectedRecord(where, "neither an API response page (data, includes, meta) "
                                        "nor a tweet")
            continue
        users.remember(includes)
        users.fill_in(includes, tweets)
        escaped = SURROGATE_ESCAPE_BYTES.search(raw_line) is not None
        for position, tweet in enumerate(tweets, start=1):
            label = where if len(tweets) == 1 else f"{where}, tweet #{position}"
            try:
                record = tweet_to_record(tweet, includes)
            except ValueError as exc:  # TweetError, and PostRecord's own checks
                yield RejectedRecord(label, str(exc))
                continue
            problem = storable_problem(record, check_raw=escaped)
            if problem:
                yield RejectedRecord(label, f"tweet {record.native_id}: {problem}")
            else:
                yield record
