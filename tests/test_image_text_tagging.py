"""Text read from a card is tagged with the caption: a statement posted only as an image gets
its narrative, the evidence says it came from the image, and a post tagged before its image was
read is tagged again once it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.tagger import Tagger, load_tagger
from monitor.classifying import tag_pending_posts
from monitor.media.ingest import MediaCounts, MediaLimits, keep_image
from monitor.media.ocr_job import read_pending_images
from monitor.settings import load_config
from seeds.cards import render_card
from storage.database import Database
from storage.media import records as media
from storage.media.files import MediaStore
from tests.classifier_models import machinery_taxonomy
from tests.factories import add_source, post, write

pytestmark = pytest.mark.usefixtures("onnx_cache_in_tmp")
CARD_TEXT = "نؤكد أن ما جرى فجر اليوم مشروع فتنة يراد به ضرب وحدة الصف"


@pytest.fixture(scope="module")
def cue_tagger(tiny_model: Path) -> Tagger:
    return load_tagger(str(tiny_model), languages=frozenset(), taxonomy=machinery_taxonomy())


def test_a_card_posted_as_an_image_is_tagged_from_its_text(
        seeded_db: Database, tmp_path: Path, cue_tagger: Tagger) -> None:
    add_source(seeded_db, "telegram", "tura313", "Tura News", "militia_media")
    write(seeded_db, post("tura313", "1", "2021-11-07 03:00", "بيان", lang="ar"),
          post("tura313", "2", "2021-11-07 03:05", "", lang=None))
    config = load_config({"CHORUS_MEDIA_DIR": str(tmp_path / "media"), "CHORUS_CONFIG": ""}
                         ).with_overrides(classify_batch_size=5)
    store = MediaStore(tmp_path / "media")
    card = render_card("ar", CARD_TEXT).png
    with seeded_db.connection() as conn:
        for native in ("1", "2"):
            found = media.post_id(conn, "telegram", "tura313", native)
            assert found is not None
            keep_image(conn, store, found, card, native, MediaLimits.of(config), MediaCounts())
    tag_pending_posts(config, seeded_db, tagger=cue_tagger)  # before OCR: nothing to read
    assert _tags(seeded_db) == []
    assert read_pending_images(config, seeded_db).images == 1  # one file for both posts
    counts = tag_pending_posts(config, seeded_db, tagger=cue_tagger)
    assert counts.posts == 2  # both tagged again now that their image has text
    tags = _tags(seeded_db)
    assert {(t["native_id"], t["narrative"]) for t in tags} == {("1", "sedition"), ("2", "sedition")}
    for tag in tags:
        evidence = tag["evidence"]
        assert isinstance(evidence, dict)
        assert evidence["image_text"] is True and evidence["evidence_from"] == "image"
        assert "فتنة" in evidence["text"]


def _tags(db: Database) -> list[dict[str, object]]:
    with db.connection() as conn:
        return conn.execute(
            """SELECT p.native_id, t.narrative, t.evidence FROM tags t
               JOIN posts p ON p.id = t.post_id ORDER BY p.native_id""").fetchall()
