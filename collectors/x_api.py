"""The tweepy `Client` for X API v2 and what the collector asks of it."""

from __future__ import annotations

import logging
from typing import Any

TWEET_FIELDS = [
    "created_at", "lang", "conversation_id", "referenced_tweets", "entities",
    "public_metrics", "edit_history_tweet_ids", "author_id", "attachments",
]
EXPANSIONS = [
    "author_id", "referenced_tweets.id", "referenced_tweets.id.author_id",
    "edit_history_tweet_ids", "attachments.media_keys",
]
USER_FIELDS = ["username", "name"]
MEDIA_FIELDS = ["type", "url", "preview_image_url", "duration_ms", "width", "height"]

# tweepy logs each request's headers (the bearer token among them) at DEBUG: never let it.
logging.getLogger("tweepy").setLevel(logging.INFO)


class XNotConfigured(Exception):
    """No bearer token; the message says where to put one."""


def x_client(bearer_token: str) -> Any:
    """A tweepy Client that raises on rate limits instead of sleeping in a thread."""
    import tweepy

    if not bearer_token:
        raise XNotConfigured(
            "the X bearer token is not set: put x_bearer_token in the secrets file or set "
            "CHORUS_X_BEARER_TOKEN")
    return tweepy.Client(bearer_token=bearer_token, wait_on_rate_limit=False)
