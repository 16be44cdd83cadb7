"""The `TelegramClient` boundary: the few client methods the collector uses, and the real client.

Telethon's `TelegramClient` satisfies `TelegramApi` as is; the test fake and the demo replay
implement the same methods and return real `telethon.tl.types` objects.
"""

from __future__ import annotations

from typing import Any, Protocol


class TelegramApi(Protocol):
    async def connect(self) -> Any: ...

    async def is_user_authorized(self) -> bool: ...

    def disconnect(self) -> Any: ...

    async def get_input_entity(self, peer: Any) -> Any:
        """Resolve a username (a rate-limited call) or pass an input peer through."""

    async def get_messages(self, entity: Any, *args: Any, **kwargs: Any) -> Any:
        """As Telethon: `limit`, `min_id`, `reverse` for history; `ids` for a re-check."""

    async def download_media(self, message: Any, file: Any = None, **kwargs: Any) -> Any:
        """As Telethon: with `file=bytes`, the message's photo or document as bytes."""


class TelegramNotConfigured(Exception):
    """API id, hash or session is missing; the message says how to provide them."""


def telethon_client(api_id: str, api_hash: str, session: str) -> TelegramApi:
    """A real client on a StringSession. Flood waits always reach the collector (threshold 0)
    so that one setting decides between sleeping and skipping a source."""
    from telethon import TelegramClient
    from telethon.sessions import StringSession

    missing = [name for name, value in (("telegram_api_id", api_id),
                                        ("telegram_api_hash", api_hash),
                                        ("telegram_session", session)) if not value]
    if missing:
        raise TelegramNotConfigured(
            f"Telegram is not set up ({', '.join(missing)} missing): run `chorus telegram "
            "login`, or set CHORUS_TELEGRAM_API_ID / CHORUS_TELEGRAM_API_HASH in the environment")
    if not api_id.strip().isdigit():
        raise TelegramNotConfigured("telegram_api_id must be the numeric id from my.telegram.org")
    client: TelegramApi = TelegramClient(
        StringSession(session), int(api_id), api_hash, flood_sleep_threshold=0,
        receive_updates=False,
    )
    return client
