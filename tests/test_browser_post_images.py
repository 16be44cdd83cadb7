"""In Chromium, as an analyst: a post's card is shown on its page after login (loaded from the
console under the strict CSP, no violation), with the text read from it beside it; before login
neither the page nor the image is served."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from classifiers.normalise import normalise
from monitor.console import create_app
from monitor.console.sessions import hash_password
from monitor.media.ingest import MediaCounts, MediaLimits, keep_image
from monitor.settings import load_config
from storage.console import users as console_users
from storage.database import Database
from storage.media import records as media
from storage.media.files import MediaStore
from tests.browser_support import Watched, served
from tests.factories import add_source, post, write
from tests.media_support import card, jpeg
from tests.secrets_support import empty_secrets_file

pytest_plugins = ["tests.browser_fixtures"]
pytestmark = pytest.mark.browser
HOST = "127.0.0.2"  # not a bind that goes without login
PASSWORD = "correct horse battery staple"
READ = "نؤكد أن ما جرى مشروع فتنة"


def test_an_analyst_sees_the_card_and_its_text(seeded_db: Database, tmp_path: Path,
                                               watched: Watched) -> None:
    add_source(seeded_db, "telegram", "tura313", "Tura News", "militia_media")
    write(seeded_db, post("tura313", "1", "2021-11-07 03:00", "بيان", lang="ar"))
    store = MediaStore(tmp_path / "media")
    with seeded_db.connection() as conn:
        console_users.add_user(conn, "rana", hash_password(PASSWORD))
        post_id = media.post_id(conn, "telegram", "tura313", "1")
        assert post_id is not None
        keep_image(conn, store, post_id, jpeg(card("ar", 41).png), "1",
                   MediaLimits(10**7, 5 * 10**7, "photos"), MediaCounts())
        [image] = media.post_images(conn, post_id)
        media.save_ocr(conn, image.media_id, languages="ara", text=READ, normalised=normalise(READ),
                       confidence=90.0)
    config = load_config({"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
                          "CHORUS_MEDIA_DIR": str(store.root)})
    page: Page = watched.page
    page.set_default_timeout(15_000)
    with served(create_app(config, seeded_db, auth_required=True), HOST) as url:
        assert page.request.get(f"{url}/media/{image.sha256}", max_redirects=0).status == 303
        page.goto(f"{url}/posts/{post_id}")
        page.wait_for_url("**/login?next=**")
        page.get_by_label("User name").press_sequentially("rana")
        page.get_by_label("Password").press_sequentially(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"**/posts/{post_id}")
        shown = page.locator("#images img")
        shown.wait_for()
        page.wait_for_function("() => document.querySelector('#images img').complete")
        assert shown.evaluate("img => img.naturalWidth") == 1000  # decoded: served and allowed
        assert page.locator("#images .ocr-text").inner_text() == READ
    assert watched.errors == [], watched.errors  # no CSP violation
