"""Issue 16, probation and resolution limits: a channel discovered through forwards is read by
the id and access hash Telegram sent with the forwarded messages, never looked up by username
(the most rate-limited call). Collected through the fake client at the TelegramClient
boundary, whose messages Telethon itself finishes with the chats a response carries."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from click.testing import CliRunner
from telethon.tl import types

from collectors.telegram_mapping import forwarded_channel
from monitor.cli import cli
from monitor.probation import start_probation
from monitor.settings import Config
from storage.database import Database
from tests.test_telegram_collect import NOW, config, native_ids, run_collect, state, watch
from tests.test_telegram_fake import BASE_TIME, FakeTelegram, message

__all__ = ["config"]  # the fixture, imported for this module's tests


def _forward(handle: str, message_id: int, origin_id: int, origin_post: int) -> types.Message:
    return message(handle, message_id, "نص منقول من قناة أخرى",
                   fwd_from=types.MessageFwdHeader(date=BASE_TIME,
                                                   from_id=types.PeerChannel(origin_id),
                                                   channel_post=origin_post))


def _two_channels() -> tuple[FakeTelegram, Any]:
    """Tura313 (watched) forwards twice from hidden_origin, which nobody watches yet."""
    fake = FakeTelegram()
    origin = fake.add_channel("hidden_origin",
                              [message("hidden_origin", i, f"origin {i}") for i in (7, 8, 9)])
    fake.add_channel("Tura313", [_forward("Tura313", 1, origin.channel_id, 7),
                                 _forward("Tura313", 2, origin.channel_id, 8),
                                 message("Tura313", 3)])
    return fake, origin


def test_accepting_a_forwarded_channel_needs_no_username_lookup(db: Database,
                                                                config: Config) -> None:
    fake, origin = _two_channels()
    watch(db, "Tura313")
    run_collect(config, db, fake)
    runner = CliRunner()
    env = {"CHORUS_DATABASE_URL": db.url}
    listed = runner.invoke(cli, ["sources", "candidates", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    key = f"channel:{origin.channel_id}"
    assert [c["posts"] for c in json.loads(listed.output) if c["key"] == key] == [2]
    # No --handle: the forward header's channel came with its username.
    accepted = runner.invoke(cli, ["sources", "accept", key], env=env)
    assert accepted.exit_code == 0, accepted.output
    kept = state(db, "hidden_origin")
    assert (kept["platform_id"], kept["access_hash"]) == (origin.channel_id, origin.access_hash)
    run_collect(config, db, fake, now=NOW + timedelta(hours=1))
    assert fake.resolved == ["Tura313"]  # hidden_origin was read by id and hash
    assert native_ids(db, "hidden_origin") == [7, 8, 9]


def test_probation_starts_on_a_forwarded_channel_without_a_lookup(db: Database,
                                                                 config: Config) -> None:
    fake, origin = _two_channels()
    watch(db, "Tura313")
    run_collect(config, db, fake)
    started = start_probation(db, NOW, days=7, min_refs=2)
    assert started == ["telegram/hidden_origin"]
    kept = state(db, "hidden_origin")
    assert (kept["platform_id"], kept["access_hash"]) == (origin.channel_id, origin.access_hash)
    run_collect(config, db, fake, now=NOW + timedelta(hours=1))
    assert fake.resolved == ["Tura313"]
    assert native_ids(db, "hidden_origin") == [7, 8, 9]


def test_a_min_channel_or_one_without_a_hash_is_not_kept() -> None:
    """A `min` constructor's access hash only works where it came from: not kept."""
    def forwarded(chat: types.Channel) -> types.Message:
        fwd = _forward("Tura313", 1, chat.id, 5)
        fwd._finish_init(FakeTelegram(), {-1000000000000 - chat.id: chat}, None)
        return fwd
    usable = types.Channel(id=42, title="t", photo=types.ChatPhotoEmpty(), date=None,
                           access_hash=99, username="some_chan")
    assert forwarded(usable).forward.chat is usable
    assert forwarded_channel(forwarded(usable)) is not None
    minimal = types.Channel(id=42, title="t", photo=types.ChatPhotoEmpty(), date=None,
                            access_hash=99, username="some_chan", min=True)
    no_hash = types.Channel(id=42, title="t", photo=types.ChatPhotoEmpty(), date=None)
    assert forwarded_channel(forwarded(minimal)) is None
    assert forwarded_channel(forwarded(no_hash)) is None
    assert forwarded_channel(_forward("Tura313", 1, 42, 5)) is None  # no chat came with it
