"""Images of a Telegram Desktop export kept as evidence: the content-addressed store (one copy
however many posts share a card), hostile files refused with a reason while the import goes on."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from collectors.media import MediaRefused, inspect_image
from monitor.cli import cli
from storage.database import Database
from storage.media.files import MediaStore
from tests.factories import add_source
from tests.media_support import bomb_png, card, huge_photo, jpeg, truncated_jpeg
from tests.secrets_support import empty_secrets_file

POSTED = int(datetime(2021, 11, 7, 3, 0, tzinfo=UTC).timestamp())


def message(number: int, photo: str | None, text: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"id": number, "type": "message", "date_unixtime": str(POSTED + number),
                             "text": text}
    if photo is not None:
        found["photo"] = photo
    return found


def export(folder: Path, files: dict[str, bytes], messages: list[dict[str, Any]]) -> Path:
    (folder / "photos").mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / "result.json").write_text(json.dumps(
        {"name": "Sabereen News", "type": "public_channel", "id": 1191207008,
         "messages": messages}, ensure_ascii=False), encoding="utf-8")
    return folder


def invoke(db: Database, tmp_path: Path, *args: str) -> Any:
    env = {"CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
           "CHORUS_CONFIG": "", "CHORUS_MEDIA_DIR": str(tmp_path / "media")}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_inspect_image_names_the_card_and_refuses_hostile_files() -> None:
    statement = card("ar", 3)
    facts = inspect_image(statement.png)
    assert (facts.mime_type, facts.width, facts.size_bytes) == ("image/png", 1000, len(statement.png))
    assert len(facts.sha256) == 64 and len(facts.phash) == 16
    reasons = {}
    for name, data in (("text", b"<script>alert(1)</script>"), ("bomb", bomb_png()),
                       ("truncated", truncated_jpeg(statement.png)), ("empty", b"")):
        with pytest.raises(MediaRefused) as refused:
            inspect_image(data)
        reasons[name] = str(refused.value)
    assert reasons["text"] == "not an image (Pillow does not recognise the format)"
    assert "decompression bomb" in reasons["bomb"]
    assert reasons["truncated"].startswith("a damaged image")
    with pytest.raises(MediaRefused, match="over the cap of 1,000"):
        inspect_image(statement.png, max_bytes=1000)


def test_export_photos_are_kept_once_and_hostile_ones_refused(db: Database, tmp_path: Path) -> None:
    add_source(db, "telegram", "sabreenS1", "Sabereen News", "militia_media")
    shared = jpeg(card("ar", 7).png)
    folder = export(tmp_path / "ChatExport", {
        "photos/photo_1.jpg": shared, "photos/photo_2.jpg": shared,  # the same card twice
        "photos/photo_3.jpg": b"MZ\x90\x00 not an image", "photos/photo_4.png": bomb_png(),
        "photos/photo_6.jpg": truncated_jpeg(card("fa", 2).png),
        "photos/photo_7.jpg": jpeg(card("en", 4).png),
    }, [message(1, "photos/photo_1.jpg", "بيان"), message(2, "photos/photo_2.jpg"),
        message(3, "photos/photo_3.jpg"), message(4, "photos/photo_4.png"),
        message(5, "photos/photo_5.jpg"), message(6, "photos/photo_6.jpg"),
        message(7, "photos/photo_7.jpg"), message(8, "../../outside.jpg"),
        message(9, "photos/huge.jpg"), message(10, None, "text only")])
    huge_photo(folder / "photos" / "huge.jpg")
    (tmp_path / "outside.jpg").write_bytes(shared)
    result = invoke(db, tmp_path, "import", "telegram-export", str(folder), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["inserted"] == 10  # every post, whatever its image
    images = summary["images"]
    assert (images["kept"], images["linked"], images["refused"]) == (2, 3, 6)
    reasons = {r["where"].split(" ")[0]: r["reason"] for r in images["refusals"]}
    assert reasons == {
        "photos/photo_3.jpg": "not an image (Pillow does not recognise the format)",
        "photos/photo_4.png": reasons["photos/photo_4.png"],
        "photos/photo_5.jpg": "the file is not in the export's folder",
        "photos/photo_6.jpg": reasons["photos/photo_6.jpg"],
        "../../outside.jpg": "the path leads outside the export's folder",
        "photos/huge.jpg": "the file has 52,428,800 bytes, over the cap of 20,971,520",
    }
    assert "decompression bomb" in reasons["photos/photo_4.png"]
    assert reasons["photos/photo_6.jpg"].startswith("a damaged image")
    assert "Traceback" not in result.output
    with db.connection() as conn:
        stored = conn.execute("""SELECT p.native_id, m.sha256, m.mime_type, m.width
                                 FROM post_media pm JOIN posts p ON p.id = pm.post_id
                                 JOIN media m ON m.id = pm.media_id ORDER BY p.native_id""").fetchall()
        refusals = conn.execute("SELECT count(*) AS n FROM media_refusals").fetchone()
    assert [r["native_id"] for r in stored] == ["1", "2", "7"]
    assert stored[0]["sha256"] == stored[1]["sha256"]  # one file for both posts
    store = MediaStore(tmp_path / "media")
    assert store.read(stored[0]["sha256"]) == shared
    assert len([p for p in (tmp_path / "media").rglob("*") if p.is_file()]) == 2
    assert refusals is not None and refusals["n"] == 6
    again = invoke(db, tmp_path, "import", "telegram-export", str(folder), "--json")
    assert json.loads(again.stdout)["images"]["kept"] == 0  # nothing new the second time
