"""The console serves a post's stored images to a logged-in analyst only, as the type recorded
when the file was checked, under the strict CSP; the post page shows the image with the text
read from it, escaped."""

from __future__ import annotations

from pathlib import Path

from classifiers.normalise import normalise
from monitor.console.security import CONTENT_SECURITY_POLICY
from monitor.console.sessions import hash_password
from monitor.media.ingest import MediaCounts, MediaLimits, keep_image
from storage.console import users as console_users
from storage.database import Database
from storage.media import records as media
from storage.media.files import MediaStore
from tests.console_corpus import client_for, csrf_token
from tests.factories import add_source, post, write
from tests.media_support import card, jpeg

PASSWORD = "correct horse battery staple"


def test_images_are_served_to_a_logged_in_analyst_only(seeded_db: Database, tmp_path: Path) -> None:
    add_source(seeded_db, "telegram", "tura313", "Tura News", "militia_media")
    write(seeded_db, post("tura313", "1", "2021-11-07 03:00", "بيان", lang="ar",
                          url="https://t.me/tura313/1"))
    data = jpeg(card("ar", 21).png)
    store = MediaStore(tmp_path / "media")
    with seeded_db.connection() as conn:
        console_users.add_user(conn, "rana", hash_password(PASSWORD))
        post_id = media.post_id(conn, "telegram", "tura313", "1")
        assert post_id is not None
        keep_image(conn, store, post_id, data, "1", MediaLimits(10**7, 5 * 10**7, "photos"),
                   MediaCounts())
        [image] = media.post_images(conn, post_id)
        read = "<script>alert(1)</script> مشروع فتنة"
        media.save_ocr(conn, image.media_id, languages="ara", text=read,
                       normalised=normalise(read), confidence=91.5)
    client = client_for(seeded_db, tmp_path, auth=True, media_dir=str(store.root))
    url = f"/media/{image.sha256}"
    anonymous = client.get(url)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"csrf_token": token, "name": "rana",
                                       "password": PASSWORD}).status_code == 303
    served = client.get(url)
    assert served.status_code == 200 and served.content == data
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "img-src 'self'" in CONTENT_SECURITY_POLICY
    for wrong in ("/media/" + "0" * 64, "/media/..%2F..%2Fetc%2Fpasswd", "/media/ABC"):
        assert client.get(wrong).status_code == 404, wrong
    page = client.get(f"/posts/{post_id}").text
    assert f'<img src="{url}"' in page and "https://t.me/tura313/1\"" not in page.split("<img")[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; مشروع فتنة" in page and "<script>alert" not in page
    assert "confidence 92%" in page
    # The text read from the image is searchable with the post (its caption says only «بيان»).
    found = client.get("/search", params={"q": "فتنة"}).text
    assert f'href="/posts/{post_id}"' in found
    assert f'href="/posts/{post_id}"' not in client.get("/search", params={"q": "حشد"}).text
