"""End to end in Debian's headless Chromium, driven by Playwright, against a real uvicorn
server on 127.0.0.1: search, open a post, confirm a tag and see the narrative change; a
script payload stays text; Arabic renders right to left (screenshot in test-artifacts/)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page

from storage.database import Database
from tests.browser_support import ARTIFACTS, Watched, console_app, served
from tests.console_corpus import Corpus, build

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.browser_fixtures"]


@dataclass
class Site:
    url: str
    corpus: Corpus


@pytest.fixture
def site(seeded_db: Database, tmp_path: Path) -> Iterator[Site]:
    corpus = build(seeded_db)
    with served(console_app(seeded_db, tmp_path)) as url:
        yield Site(url, corpus)


def _actors(page: Page, site: Site) -> int:
    page.goto(f"{site.url}/narratives/false_flag")
    return int(page.locator("#fig-actors").inner_text().replace(",", ""))


def test_search_open_a_post_confirm_a_tag_and_the_narrative_changes(
        site: Site, watched: Watched) -> None:
    page = watched.page
    assert _actors(page, site) == 2
    page.goto(f"{site.url}/search")
    page.fill("input[name=q]", "hidden hand")
    page.click("#search-form button[type=submit]")
    page.wait_for_url("**/search?*")
    result = page.locator(f"#post-{site.corpus.weak}")
    assert result.locator("mark.match").first.inner_text() in {"hidden", "hand"}
    result.locator("a.post-link").click()
    page.wait_for_url(f"**/posts/{site.corpus.weak}")
    row = page.locator('tr.tag-row[data-narrative="false_flag"]')
    assert row.locator(".label-cell").inner_text().strip() == ""
    row.locator("button.confirm").click()
    # htmx swaps the panel in place; the label shows with the analyst's name.
    page.locator('tr.tag-row[data-narrative="false_flag"] .label-confirm').wait_for()
    label = page.locator('tr.tag-row[data-narrative="false_flag"] .label-cell').inner_text()
    assert "confirmed by tester" in label
    page.reload()
    assert "confirmed by tester" in page.locator('tr.tag-row[data-narrative="false_flag"]'
                                                 ).inner_text()
    assert _actors(page, site) == 3
    assert watched.errors == [], watched.errors  # no CSP violation, no script error
    assert watched.dialogs == []


def test_a_script_payload_renders_as_text_and_runs_nothing(
        site: Site, watched: Watched) -> None:
    page = watched.page
    for url in (f"/posts/{site.corpus.xss}", "/search?q=breaking", "/narratives/sedition"):
        page.goto(site.url + url)
        page.wait_for_load_state("load")
        text = page.locator(".post-text", has_text="breaking").first
        assert "<script>window.__xss = 1;" in text.inner_text()
        assert '<img src=x onerror="window.__xss = 2; alert(2)">' in text.inner_text()
        assert text.locator("script, img").count() == 0  # nothing injected into the DOM
        assert page.evaluate("typeof window.__xss") == "undefined"
    page.goto(f"{site.url}/posts/{site.corpus.xss}")
    page.locator("#raw summary").click()
    assert "onerror" in page.locator("pre.raw").inner_text()
    assert page.locator("pre.raw *").count() == 0
    time.sleep(0.3)  # a late onerror would have fired by now
    assert watched.dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_an_arabic_post_renders_right_to_left(site: Site, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{site.url}/posts/{site.corpus.arabic}")
    body = page.locator("#post-body .post-text")
    assert body.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert body.evaluate("el => getComputedStyle(el).textAlign") == "right"
    # The first character sits at the right edge of the box.
    box = body.bounding_box()
    first = page.evaluate("""() => {
        const el = document.querySelector('#post-body .post-text');
        const range = document.createRange();
        range.setStart(el.firstChild, 0); range.setEnd(el.firstChild, 1);
        return range.getBoundingClientRect().right; }""")
    assert box is not None and first > box["x"] + box["width"] / 2
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "arabic-post-rtl.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.goto(f"{site.url}/posts/{site.corpus.persian}")
    assert page.locator("#post-body .post-text").evaluate(
        "el => getComputedStyle(el).direction") == "rtl"
    page.goto(f"{site.url}/posts/{site.corpus.english}")
    assert page.locator("#post-body .post-text").evaluate(
        "el => getComputedStyle(el).direction") == "ltr"
    assert watched.errors == []
