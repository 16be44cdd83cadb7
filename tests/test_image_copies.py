"""The same card posted by three actors after an event is one coordinated image cluster in the
event report (`image_copies`), its forward listed apart; a different card by a fourth actor and
an observer's copy stay out."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from PIL import Image

from monitor.media.ingest import MediaCounts, MediaLimits, keep_image
from storage.convergence.report import event_report
from storage.database import Database
from storage.media import records as media
from storage.media.files import MediaStore
from tests.console_corpus import client_for
from tests.convergence_scenarios import add_event, add_narrative, tag
from tests.factories import add_source, at, post, write
from tests.media_support import card, jpeg

T0 = "2021-11-06T23:30:00Z"


def hours_after(hours: float) -> str:
    return (at(T0) + timedelta(hours=hours)).isoformat()


def resized(png: bytes) -> bytes:
    """The card as another channel re-posts it: smaller, recompressed."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.resize((image.width * 3 // 4, image.height * 3 // 4)).save(out, format="JPEG", quality=70)
    return out.getvalue()


def test_a_card_posted_by_three_actors_is_one_coordinated_cluster(
        db: Database, tmp_path: Path) -> None:
    add_narrative(db, "sedition")
    for handle, actor, group in (("Tura313", "Tura News", "militia_media"),
                                 ("sabreenS1", "Sabereen News", "militia_media"),
                                 ("kataib_h", "Kata'ib Hezbollah", "iraqi_militia"),
                                 ("ameri_badr", "Hadi al-Ameri", "iraqi_militia")):
        add_source(db, "telegram", handle, actor, group)
    add_source(db, "telegram", "omartvsd", "Omar al-Janabi", "journalist", role="observer")
    statement = card("ar", 11).png
    posts = [post("Tura313", "1", hours_after(1), "بيان"),
             post("sabreenS1", "2", hours_after(3), ""),
             post("kataib_h", "3", hours_after(20), "بيان المقاومة"),
             post("kataib_h", "4", hours_after(2), "", kind="forward", forwarded_from="Tura313",
                  forwarded_from_id="1"),
             post("ameri_badr", "5", hours_after(2), ""),
             post("omartvsd", "6", hours_after(2), "")]
    write(db, *posts)
    images = {"1": jpeg(statement), "2": statement, "3": resized(statement), "4": jpeg(statement),
              "5": card("ar", 12).png, "6": statement}
    store = MediaStore(tmp_path / "media")
    limits = MediaLimits(20 * 1024 * 1024, 50_000_000, "photos")
    with db.connection() as conn:
        for record in posts:
            found = media.post_id(conn, "telegram", record.source, record.native_id)
            assert found is not None
            keep_image(conn, store, found, images[record.native_id], record.native_id, limits,
                       MediaCounts())
    for record in posts:
        tag(db, record.source, record.native_id, "sedition", 0.9)
    event = add_event(db, "Drone attack", T0)
    with db.connection() as conn:
        report = event_report(conn, event)
    sedition = next(n for n in report["narratives"] if n["narrative"] == "sedition")
    assert sedition["coordinated_copies"] == []  # no text copies: the captions differ
    [cluster] = sedition["image_copies"]
    assert [p["actor"] for p in cluster["posts"]] == ["Tura News", "Sabereen News",
                                                      "Kata'ib Hezbollah"]
    assert [(f["actor"], f["kind"]) for f in cluster["forwards"]] == [
        ("Kata'ib Hezbollah", "forward")]
    assert cluster["actors"] == 3 and sorted(cluster["groups"]) == ["iraqi_militia",
                                                                   "militia_media"]
    assert cluster["image"] is not None and store.read(cluster["image"]) is not None
    # The event page shows the card apart from the text copies (Tura News posted the JPEG).
    client = client_for(db, tmp_path, media_dir=str(store.root))
    page = client.get(f"/events/{event}").text
    section = page.split("<h3>Image copies (1)</h3>")[1].split("</ul>")[0]
    assert f'src="/media/{cluster["image"]}"' in section
    assert ">Tura News</a>, <a" in section and "forwarded by <a" in section
    assert client.get(f"/media/{cluster['image']}").headers["content-type"] == "image/jpeg"
