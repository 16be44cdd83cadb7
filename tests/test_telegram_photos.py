"""Photos of collected Telegram posts: downloaded through the fake client (real Telethon types)
after the text is stored, one copy per card, hostile or oversized files refused with a reason,
a flood wait ending the downloads without failing the text, the rest fetched by the next run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from telethon import errors
from telethon.tl import types

from monitor.settings import Config, load_config
from storage.database import Database
from storage.media.files import MediaStore
from tests.media_support import bomb_png, card, jpeg
from tests.secrets_support import empty_secrets_file
from tests.test_telegram_collect import NOW, native_ids, rows, run_collect, watch
from tests.test_telegram_fake import FakeTelegram, channel_id_for, message


class PhotoTelegram(FakeTelegram):
    """The fake with files behind its photos."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[tuple[int, int], bytes] = {}

    def media_bytes(self, channel_id: int, message_id: int) -> bytes | None:
        return self.files.get((channel_id, message_id))


def photo_message(fake: PhotoTelegram, handle: str, message_id: int, data: bytes,
                  announced: int | None = None) -> types.Message:
    fake.files[(channel_id_for(handle), message_id)] = data
    photo = types.Photo(id=message_id, access_hash=7, file_reference=b"", date=None, dc_id=4,
                        sizes=[types.PhotoSize("y", 1000, 600, announced or len(data))])
    return message(handle, message_id, "بيان", media=types.MessageMediaPhoto(photo=photo))


def downloads(fake: PhotoTelegram) -> list[int]:
    return [p["id"] for kind, p in fake.requests if kind == "download_media"]


def config_for(tmp_path: Path) -> Config:
    return load_config(env={"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
                            "CHORUS_MEDIA_DIR": str(tmp_path / "media")})


def refusals(db: Database) -> dict[str, str]:
    return {r["location"]: r["reason"] for r in rows(db, "SELECT location, reason FROM media_refusals")}


def test_photos_are_kept_after_the_text_and_hostile_ones_refused(db: Database,
                                                                 tmp_path: Path) -> None:
    fake = PhotoTelegram()
    statement = jpeg(card("ar", 31).png)
    fake.add_channel("Tura313", [
        photo_message(fake, "Tura313", 1, statement),
        photo_message(fake, "Tura313", 2, statement),  # the same card again
        photo_message(fake, "Tura313", 3, b"GIF89a not really"),
        photo_message(fake, "Tura313", 4, bomb_png()),
        photo_message(fake, "Tura313", 5, statement, announced=50 * 1024 * 1024),
        message("Tura313", 6, "text only")])
    watch(db, "Tura313")
    [result] = run_collect(config_for(tmp_path), db, fake)
    assert result.status == "ok" and native_ids(db, "Tura313") == [1, 2, 3, 4, 5, 6]
    assert sorted(downloads(fake)) == [1, 2, 3, 4]  # the 50 MB photo was never fetched
    kept = rows(db, """SELECT p.native_id, m.sha256 FROM post_media pm JOIN posts p ON p.id = pm.post_id
                       JOIN media m ON m.id = pm.media_id ORDER BY p.native_id""")
    assert [r["native_id"] for r in kept] == ["1", "2"] and kept[0]["sha256"] == kept[1]["sha256"]
    assert MediaStore(tmp_path / "media").read(kept[0]["sha256"]) == statement
    found = refusals(db)
    assert found["@Tura313/3"] == "not an image (Pillow does not recognise the format)"
    assert "decompression bomb" in found["@Tura313/4"]
    assert found["@Tura313/5"] == "the photo has 52,428,800 bytes, over the cap of 20,971,520"
    again = run_collect(config_for(tmp_path), db, fake, now=NOW + timedelta(hours=1))
    assert [r.status for r in again] == ["ok"] and sorted(downloads(fake)) == [1, 2, 3, 4]


def test_a_flood_wait_on_photos_leaves_the_text_collected_and_resumes(db: Database,
                                                                      tmp_path: Path) -> None:
    fake = PhotoTelegram()
    fake.add_channel("Tura313", [photo_message(fake, "Tura313", i, jpeg(card("en", i).png))
                                 for i in range(1, 5)])
    watch(db, "Tura313")
    fake.fail("download", errors.FloodWaitError(request=None, capture=3600), after=1)
    [result] = run_collect(config_for(tmp_path), db, fake)
    assert result.status == "ok" and native_ids(db, "Tura313") == [1, 2, 3, 4]
    assert _kept(db) == ["4"]  # newest first; the flood wait ended this run's downloads
    assert refusals(db) == {}
    run_collect(config_for(tmp_path), db, fake, now=NOW + timedelta(hours=1))
    assert _kept(db) == ["1", "2", "3", "4"]


def _kept(db: Database) -> Sequence[Any]:
    return [r["native_id"] for r in rows(
        db, "SELECT p.native_id FROM post_media pm JOIN posts p ON p.id = pm.post_id ORDER BY 1")]


def test_image_documents_are_kept_only_when_asked(db: Database, tmp_path: Path) -> None:
    fake = PhotoTelegram()
    statement = card("fa", 33).png
    fake.files[(channel_id_for("Tura313"), 1)] = statement
    document = types.Document(id=1, access_hash=7, file_reference=b"", date=None,
                              mime_type="image/png", size=len(statement), dc_id=4,
                              attributes=[types.DocumentAttributeFilename("card.png")])
    fake.add_channel("Tura313", [message("Tura313", 1, "",
                                         media=types.MessageMediaDocument(document=document))])
    watch(db, "Tura313")
    run_collect(config_for(tmp_path), db, fake)
    assert downloads(fake) == [] and _kept(db) == []  # photos only, by default
    images = config_for(tmp_path).with_overrides(media_download="images")
    run_collect(images, db, fake, now=NOW + timedelta(hours=1))
    assert downloads(fake) == [1] and _kept(db) == ["1"]
