"""`chorus import telegram-export`: crafted Telegram Desktop exports with every quirk."""

from __future__ import annotations

import hashlib
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from collectors.records import PostRecord, RejectedRecord
from collectors.telegram_export import read_telegram_export
from monitor.cli import cli
from storage import collection
from storage.database import Database
from tests.factories import add_source
from tests.secrets_support import empty_secrets_file

SABREEN_ID = 1191207008
POSTED = datetime(2021, 11, 7, 2, 45, tzinfo=UTC)


def unix(moment: datetime) -> str:
    return str(int(moment.timestamp()))


def quirky_messages() -> list[dict[str, Any]]:
    t = int(POSTED.timestamp())
    return [
        {"id": 1, "type": "service", "date": "2021-11-07T05:40:00", "date_unixtime": str(t - 300),
         "actor": "Sabereen News", "action": "pin_message", "text": "", "text_entities": []},
        # `date` is the exporting computer's local time (here UTC+3); only date_unixtime counts.
        {"id": 2, "type": "message", "date": "2021-11-07T05:45:00", "date_unixtime": str(t),
         "from": "Sabereen News", "from_id": "channel1191207008",
         "text": "عاجل: استهداف منزل رئيس الوزراء", "text_entities": [
             {"type": "plain", "text": "عاجل: استهداف منزل رئيس الوزراء"}]},
        {"id": 3, "type": "message", "date": "2021-11-07T05:50:00", "date_unixtime": str(t + 300),
         "edited": "2021-11-07T06:10:00", "edited_unixtime": str(t + 1500),
         "text": ["مسرحية مكشوفة ", {"type": "link", "text": "https://example.org/a"},
                  " و ", {"type": "text_link", "text": "التفاصيل", "href": "https://example.org/b"},
                  {"type": "bold", "text": "!"}]},
        {"id": 4, "type": "message", "date_unixtime": str(t + 600),
         "forwarded_from": "Tura News", "text": "منقول", "photo": "photos/photo_4.jpg",
         "width": 1280, "height": 720},
        {"id": 5, "type": "message", "date_unixtime": str(t + 900), "reply_to_message_id": 3,
         "text": "رد", "file": "video_files/v.mp4", "media_type": "video_file",
         "mime_type": "video/mp4", "duration_seconds": 12},
        {"id": 6, "type": "message", "date_unixtime": str(t + 1200), "text": "",
         "file": "files/statement.pdf", "mime_type": "application/pdf"},
        {"id": 7, "type": "message", "date_unixtime": str(t + 1300), "text": "",
         "poll": {"question": "من المسؤول؟", "closed": False, "total_voters": 10,
                  "answers": [{"text": "طرف ثالث", "voters": 7, "chosen": False},
                              {"text": "لا أعرف", "voters": 3, "chosen": False}]}},
        {"id": 8, "type": "message", "date": "2021-11-07T06:00:00", "text": "no unix time"},
        {"id": "nine", "type": "message", "date_unixtime": str(t), "text": "bad id"},
        {"id": 10, "type": "message", "date_unixtime": str(t), "text": 42},
        {"id": 11, "type": "message", "date_unixtime": "soon", "text": "bad time"},
        {"id": 12, "type": "message", "date_unixtime": str(t + 1400), "text": "الأخيرة"},
    ]


def single_chat(messages: list[dict[str, Any]] | None = None, **chat: Any) -> dict[str, Any]:
    return {"name": "Sabereen News", "type": "public_channel", "id": SABREEN_ID,
            **chat, "messages": quirky_messages() if messages is None else messages}


def read(doc: Any, **options: Any) -> list[PostRecord | RejectedRecord]:
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False, indent=1)
    return list(read_telegram_export(io.StringIO(text), **options))


def split(items: list[PostRecord | RejectedRecord]) -> tuple[dict[str, PostRecord],
                                                             list[RejectedRecord]]:
    records = {i.native_id: i for i in items if isinstance(i, PostRecord)}
    return records, [i for i in items if isinstance(i, RejectedRecord)]


def test_every_quirk_of_a_single_chat_export() -> None:
    records, rejected = split(read(single_chat(), handles_by_channel_id={SABREEN_ID: "sabreenS1"}))
    assert sorted(records, key=int) == ["2", "3", "4", "5", "6", "7", "12"]  # 1 is a service
    two = records["2"]
    assert two.source == "sabreenS1" and two.posted_at == POSTED  # not 05:45 local
    assert two.url == "https://t.me/sabreenS1/2"
    three = records["3"]
    assert three.text == "مسرحية مكشوفة https://example.org/a و التفاصيل!"
    assert three.links == ["https://example.org/a", "https://example.org/b"]
    assert three.edited_at == datetime(2021, 11, 7, 3, 10, tzinfo=UTC)
    four = records["4"]
    assert (four.kind, four.forwarded_from) == ("forward", "Tura News")
    assert four.media == {"type": "photo", "file": "photos/photo_4.jpg", "width": 1280,
                          "height": 720}
    five = records["5"]
    assert (five.kind, five.reply_to) == ("reply", "3")
    assert five.media is not None and five.media["type"] == "video_file"
    assert five.media["duration_seconds"] == 12
    assert records["6"].media == {"type": "document", "file": "files/statement.pdf",
                                  "mime_type": "application/pdf"}
    poll = records["7"].media
    assert poll is not None and poll["answers"] == ["طرف ثالث", "لا أعرف"]
    assert records["2"].raw["from_id"] == "channel1191207008"
    # text_entities only repeats text here: dropped from the stored payload, nothing lost.
    assert "text_entities" not in records["2"].raw
    assert records["3"].raw["text"][1] == {"type": "link", "text": "https://example.org/a"}
    reasons = {r.location: r.reason for r in rejected}
    assert "date_unixtime" in reasons["chat 'Sabereen News' message 8"]
    assert "positive integer" in reasons["chat 'Sabereen News' message #9"]
    assert "text must be" in reasons["chat 'Sabereen News' message 10"]
    assert "Unix time" in reasons["chat 'Sabereen News' message 11"]
    assert len(rejected) == 4


def test_entities_that_say_more_than_the_text_are_kept_and_win() -> None:
    message = {"id": 2, "type": "message", "date_unixtime": unix(POSTED), "text": "see here",
               "text_entities": [{"type": "plain", "text": "see "},
                                 {"type": "text_link", "text": "here",
                                  "href": "https://example.org/h"}]}
    records, _ = split(read(single_chat([message])))
    assert records["2"].links == ["https://example.org/h"]
    assert records["2"].raw["text_entities"][1]["href"] == "https://example.org/h"


def test_unknown_channel_gets_an_id_handle_and_private_links() -> None:
    records, _ = split(read(single_chat()))
    assert records["2"].source == f"channel{SABREEN_ID}"
    assert records["2"].url == f"https://t.me/c/{SABREEN_ID}/2"
    named, _ = split(read(single_chat(), handle="sabreenS1"))
    assert named["2"].url == "https://t.me/sabreenS1/2"


def test_full_account_export_keeps_only_channels_and_groups() -> None:
    t = int(POSTED.timestamp())
    def msgs(*ids: int) -> list[dict[str, Any]]:
        return [{"id": i, "type": "message", "date_unixtime": str(t + i), "text": f"m{i}"}
                for i in ids]
    export = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 1, "first_name": "Analyst"},
        "chats": {"about": "This page lists all chats from this export.", "list": [
            {"name": "A friend", "type": "personal_chat", "id": 55, "messages": msgs(1, 2)},
            {"name": "Tura News", "type": "public_channel", "id": 1122334455,
             "messages": msgs(10, 11)},
            {"name": "Saved Messages", "type": "saved_messages", "id": 1, "messages": msgs(3)},
            {"name": "Militia chat", "type": "private_supergroup", "id": 99887766,
             "messages": msgs(20)},
            {"name": "Some bot", "type": "bot_chat", "id": 4, "messages": msgs(4)},
        ]},
        "left_chats": {"about": "...", "list": [
            {"name": "Old group", "type": "private_group", "id": 123, "messages": msgs(30)}]},
    }
    records = [r for r in read(export, handles_by_channel_id={1122334455: "Tura313"})
               if isinstance(r, PostRecord)]
    assert sorted((r.source, r.native_id) for r in records) == [
        ("Tura313", "10"), ("Tura313", "11"), ("channel123", "30"), ("channel99887766", "20")]


def test_single_personal_chat_says_why_nothing_is_imported() -> None:
    items = read(single_chat(type="personal_chat"))
    assert [type(i) for i in items] == [RejectedRecord]
    assert "only channels and groups" in items[0].reason  # type: ignore[union-attr]


def test_truncated_file_keeps_the_messages_before_the_cut() -> None:
    text = json.dumps(single_chat(), ensure_ascii=False, indent=1)
    cut = text.index('"id": 5')  # inside message 5: message 4 is complete
    records, rejected = split(read(text[:cut]))
    assert sorted(records, key=int) == ["2", "3", "4"]
    assert len(rejected) == 1 and "reading stopped" in rejected[0].reason
    assert rejected[0].location.startswith("line ")


@pytest.mark.parametrize("chunk", [1, 7, 64, 4096])
def test_stream_gives_the_same_result_whatever_the_chunk_size(chunk: int) -> None:
    text = json.dumps(single_chat(), ensure_ascii=False)
    expected = [(type(i).__name__, repr(i)) for i in read(text)]
    small = read_telegram_export(io.StringIO(text), chunk_chars=chunk)
    assert [(type(i).__name__, repr(i)) for i in small] == expected


def invoke(db: Database, tmp_path: Path, *args: str) -> Any:
    env = {"CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
           "CHORUS_CONFIG": ""}
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_cli_import_records_the_file_and_reports_bad_messages(
    db: Database, tmp_path: Path
) -> None:
    source_id = add_source(db, "telegram", "sabreenS1", "Sabereen News", "militia_media")
    with db.connection() as conn:
        collection.save_resolved(conn, source_id, SABREEN_ID, 77)
    folder = tmp_path / "ChatExport_2021-11-08"
    folder.mkdir()
    path = folder / "result.json"
    path.write_text(json.dumps(single_chat(), ensure_ascii=False, indent=1), encoding="utf-8")
    result = invoke(db, tmp_path, "import", "telegram-export", str(folder), "--json")
    assert result.exit_code == 1  # some messages were rejected
    summary = json.loads(result.stdout)
    assert (summary["inserted"], summary["rejected"]) == (7, 4)
    assert {e["where"] for e in summary["errors"]} >= {"chat 'Sabereen News' message 8"}
    assert "Traceback" not in result.output
    with db.connection() as conn:
        files = conn.execute("SELECT * FROM import_files").fetchall()
        stored = conn.execute("""SELECT p.native_id, p.import_file_id, s.handle, p.posted_at
                                 FROM posts p JOIN sources s ON s.id = p.source_id""").fetchall()
    assert [(f["kind"], f["name"]) for f in files] == [("telegram-export", "result.json")]
    assert files[0]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert {r["import_file_id"] for r in stored} == {files[0]["id"]}
    assert {r["handle"] for r in stored} == {"sabreenS1"}
    again = invoke(db, tmp_path, "import", "telegram-export", str(path), "--json")
    assert json.loads(again.stdout)["inserted"] == 0  # importing twice adds nothing


def test_cli_rejects_a_folder_without_result_json(db: Database, tmp_path: Path) -> None:
    empty = tmp_path / "html_export"
    empty.mkdir()
    result = invoke(db, tmp_path, "import", "telegram-export", str(empty))
    assert result.exit_code == 2 and "no result.json" in result.output
    assert os.path.exists(empty)
