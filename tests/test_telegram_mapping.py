"""Telethon Message → PostRecord, and what lands in the database from it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from telethon.tl import types

from collectors.telegram_mapping import message_to_record
from storage.database import Database
from tests.factories import write

POSTED = datetime(2021, 11, 7, 2, 45, tzinfo=UTC)
EDITED = datetime(2021, 11, 7, 3, 5, tzinfo=UTC)


def rich_message() -> types.Message:
    # "😀" is two UTF-16 units: entity offsets count those, not Python characters.
    text = "عاجل 😀 https://example.org/a و المزيد هنا"
    url_at = 8  # 'عاجل' (4) + space + emoji (2) + space
    hidden_at = text.index("هنا") + 1  # +1 for the emoji's second unit
    return types.Message(
        id=9046, peer_id=types.PeerChannel(1191207008), date=POSTED, message=text, post=True,
        entities=[types.MessageEntityUrl(offset=url_at, length=len("https://example.org/a")),
                  types.MessageEntityTextUrl(offset=hidden_at, length=3,
                                             url="https://hidden.example/b"),
                  types.MessageEntityBold(offset=0, length=4)],
        views=15321, forwards=44, replies=types.MessageReplies(replies=7, replies_pts=1),
        edit_date=EDITED, grouped_id=13245678901234,
        fwd_from=types.MessageFwdHeader(date=POSTED, from_id=types.PeerChannel(1122334455),
                                        channel_post=20360),
        reply_to=types.MessageReplyHeader(reply_to_msg_id=9040),
        media=types.MessageMediaPhoto(photo=types.Photo(
            id=5, access_hash=6, file_reference=b"\x00\xff", date=POSTED,
            sizes=[types.PhotoSize("m", 320, 180, 9000), types.PhotoSize("x", 1280, 720, 96000)],
            dc_id=4)),
    )


def test_every_field_is_mapped() -> None:
    record = message_to_record(rich_message(), "sabreenS1", {1122334455: "Tura313"})
    assert record is not None
    assert record.native_id == "9046" and record.source == "sabreenS1"
    assert record.url == "https://t.me/sabreenS1/9046"
    assert record.posted_at == POSTED and record.edited_at == EDITED
    assert record.links == ["https://example.org/a", "https://hidden.example/b"]
    assert record.metrics == {"views": 15321, "forwards": 44, "replies": 7}
    assert (record.kind, record.forwarded_from, record.forwarded_from_id) == (
        "forward", "Tura313", "20360")
    assert record.reply_to == "9040"
    assert record.media == {"type": "photo", "id": 5, "width": 1280, "height": 720,
                            "album": "13245678901234"}
    json.dumps(record.raw)  # JSON-safe: bytes and datetimes converted
    assert record.raw["fwd_from"]["channel_post"] == 20360
    assert record.raw["date"] == POSTED.isoformat()
    assert record.raw["media"]["photo"]["file_reference"] == "AP8="


def test_unknown_forward_source_keeps_its_numeric_id() -> None:
    record = message_to_record(rich_message(), "sabreenS1", {})
    assert record is not None and record.forwarded_from == "channel:1122334455"


def test_documents_and_service_messages() -> None:
    video = types.Message(
        id=2, peer_id=types.PeerChannel(1), date=POSTED, message="",
        media=types.MessageMediaDocument(document=types.Document(
            id=9, access_hash=1, file_reference=b"", date=POSTED, mime_type="video/mp4",
            size=1000, dc_id=2, attributes=[types.DocumentAttributeVideo(duration=12, w=640,
                                                                         h=360)])))
    record = message_to_record(video, "Tura313")
    assert record is not None and record.text == "" and record.kind == "post"
    assert record.media is not None and record.media["type"] == "video"
    assert record.media["duration"] == 12 and record.media["mime_type"] == "video/mp4"
    service = types.MessageService(id=3, peer_id=types.PeerChannel(1), date=POSTED,
                                   action=types.MessageActionPinMessage())
    assert message_to_record(service, "Tura313") is None


def test_mapped_message_is_stored_with_its_evidence(db: Database) -> None:
    record = message_to_record(rich_message(), "sabreenS1", {1122334455: "Tura313"})
    assert record is not None
    counts = write(db, record)
    assert counts.inserted == 1
    with db.connection() as conn:
        row = conn.execute("SELECT * FROM posts").fetchone()
    assert row is not None
    assert row["kind"] == "forward" and row["forwarded_from"] == "Tura313"
    assert row["links"] == ["https://example.org/a", "https://hidden.example/b"]
    assert row["raw"]["id"] == 9046 and row["metrics"]["views"] == 15321
