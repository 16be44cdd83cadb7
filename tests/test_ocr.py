"""OCR of statement cards (Tesseract ara, fas, eng from Debian): character error rate per
language on cards rendered here with libraqm shaping, the language picked from the post or the
script seen, and the daemon's OCR job, which a kill does not make repeat finished images."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from classifiers.ocr import read_image
from classifiers.ocr_eval import character_error_rate, edit_distance
from monitor.media.ingest import MediaCounts, MediaLimits, keep_image
from monitor.media.ocr_job import read_pending_images
from monitor.settings import load_config
from storage.database import Database
from storage.media.files import MediaStore
from tests.factories import add_source
from tests.media_support import card

TARGET_CER = {"ar": 0.10, "fa": 0.10, "en": 0.03}


def test_edit_distance_and_cer() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert character_error_rate("بيان", "بيان") == 0.0
    assert character_error_rate("أحمد", "احمد") == 0.0  # letter forms fold as in search
    assert character_error_rate("abcd", "") == 1.0


@pytest.mark.parametrize("lang", ["ar", "fa", "en"])
def test_cards_are_read_within_the_target_error_rate(lang: str) -> None:
    rates = []
    for seed in range(6):
        statement = card(lang, 100 + seed)
        result = read_image(Image.open(io.BytesIO(statement.png)), post_lang=lang)
        rates.append(character_error_rate(statement.text, result.text))
        assert result.confidence is not None and result.confidence > 60
    assert sum(rates) / len(rates) <= TARGET_CER[lang], rates


def test_the_script_seen_overrules_a_caption_in_another_language() -> None:
    arabic = card("ar", 5)
    read = read_image(Image.open(io.BytesIO(arabic.png)), post_lang="en")  # English caption
    assert read.languages == "ara" and character_error_rate(arabic.text, read.text) <= 0.1
    persian = card("fa", 8)
    unknown = read_image(Image.open(io.BytesIO(persian.png)), post_lang=None)
    assert unknown.languages == "fas" and character_error_rate(persian.text, unknown.text) <= 0.1


def _posts_with_cards(db: Database, store: MediaStore, count: int) -> None:
    source = add_source(db, "telegram", "tura313", "Tura News", "militia_media")
    limits = MediaLimits(20 * 1024 * 1024, 50_000_000, "photos")
    counts = MediaCounts()
    with db.connection() as conn:
        for n in range(count):
            lang = ("ar", "fa", "en")[n % 3]
            post = conn.execute(
                """INSERT INTO posts (platform, source_id, native_id, posted_at, text, lang,
                                      content_hash, norm_hash)
                   VALUES ('telegram', %(s)s, %(n)s, %(at)s, '', %(lang)s, '\\x00', '\\x00')
                   RETURNING id""",
                {"s": source, "n": str(n + 1), "at": datetime(2021, 11, 7, tzinfo=UTC),
                 "lang": lang}).fetchone()
            assert post is not None
            keep_image(conn, store, post["id"], card(lang, n).png, f"message {n + 1}", limits, counts)
    assert counts.kept == count


def test_a_killed_ocr_job_resumes_without_repeating_finished_images(
        db: Database, tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    _posts_with_cards(db, store, 6)
    env = {**os.environ, "CHORUS_DATABASE_URL": db.url, "CHORUS_MEDIA_DIR": str(store.root),
           "CHORUS_CONFIG": "", "CHORUS_OCR_BATCH_SIZE": "2", "OMP_THREAD_LIMIT": "1"}
    script = ("from monitor.settings import load_config; from storage.database import Database;"
              "from monitor.media.ocr_job import read_pending_images;"
              "c = load_config(); read_pending_images(c, Database(c.database_url))")
    job = subprocess.Popen([sys.executable, "-c", script], env=env)
    try:
        done = 0
        deadline = time.monotonic() + 120
        while done < 2 and time.monotonic() < deadline:
            with db.connection() as conn:
                row = conn.execute("SELECT count(*) AS n FROM media_ocr").fetchone()
            done = row["n"] if row else 0
            time.sleep(0.05)
        job.send_signal(signal.SIGKILL)
    finally:
        job.wait(30)
    with db.connection() as conn:
        before = {r["media_id"]: r["ocr_at"] for r in conn.execute(
            "SELECT media_id, ocr_at FROM media_ocr").fetchall()}
    assert 2 <= len(before) < 6  # killed part-way
    config = load_config(env={"CHORUS_MEDIA_DIR": str(store.root), "CHORUS_CONFIG": ""})
    counts = read_pending_images(config, db)
    assert counts.images == 6 - len(before) and counts.errors == 0
    with db.connection() as conn:
        after = {r["media_id"]: r["ocr_at"] for r in conn.execute(
            "SELECT media_id, ocr_at FROM media_ocr").fetchall()}
        texts = conn.execute("SELECT languages, normalised FROM media_ocr ORDER BY media_id").fetchall()
    assert len(after) == 6
    assert all(after[m] == at for m, at in before.items())  # finished images not read again
    assert [t["languages"] for t in texts] == ["ara", "fas", "eng"] * 2
    assert all(t["normalised"] for t in texts)


def test_an_image_tesseract_cannot_finish_is_recorded_and_the_job_goes_on(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = MediaStore(tmp_path / "media")
    _posts_with_cards(db, store, 2)
    config = load_config(env={"CHORUS_MEDIA_DIR": str(store.root), "CHORUS_CONFIG": ""})
    monkeypatch.setattr("classifiers.ocr.OCR_TIMEOUT_S", 0.001)  # no card is read this fast
    counts = read_pending_images(config, db)
    assert (counts.images, counts.errors) == (2, 2)
    with db.connection() as conn:
        errors = [r["error"] for r in conn.execute("SELECT error FROM media_ocr").fetchall()]
    assert errors == ["Tesseract did not finish within 0.001 s (Tesseract process timeout)"] * 2
