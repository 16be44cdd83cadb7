"""The event page as an analyst meets it, in Debian's headless Chromium against a real
uvicorn server (issue 14, point 5): the lead–lag chart spreads the adopters over its panel,
has one row per actor and a visible legend; observers stand apart; the other events in the
window are marked; the shared phrase reads as the actors wrote it; nothing in a post runs.
Screenshot: test-artifacts/event-page.png. The episode: tests/event_page_scenario.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page

from storage.database import Database
from tests.browser_support import ARTIFACTS, Watched, console_app, served
from tests.convergence_scenarios import tag
from tests.event_page_scenario import PHRASE_WRITTEN, Episode, build, hours_after
from tests.factories import post, write

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.browser_fixtures"]

HOSTILE = ('<img src=x onerror="window.__xss = 1"> <script>window.__xss = 2</script> '
           "بالمسيرة مؤامرة الفتنة")


@dataclass
class Site:
    url: str
    episode: Episode


@pytest.fixture
def site(db: Database, tmp_path: Path) -> Iterator[Site]:
    episode = build(db)
    write(db, post("actor03", "x1", hours_after(-3), HOSTILE, lang="ar"))
    tag(db, "actor03", "x1", "sedition", 0.9)
    with served(console_app(db, tmp_path)) as url:
        yield Site(url, episode)


@pytest.fixture
def page(site: Site, watched: Watched) -> Iterator[Page]:
    watched.page.set_default_timeout(15_000)
    watched.page.goto(f"{site.url}/events/{site.episode.drone}")
    watched.page.wait_for_load_state("load")
    yield watched.page
    assert watched.errors == [], watched.errors  # no CSP violation, no script error
    assert watched.dialogs == []


def test_the_chart_spreads_the_adopters_one_row_per_actor(page: Page) -> None:
    chart = page.locator("#leadlag-sedition")
    assert chart.is_visible()
    rows = chart.locator("g.actor-row")
    actors = [rows.nth(i).get_attribute("data-actor") for i in range(rows.count())]
    assert len(actors) == len(set(actors)) == 11
    # Kata'ib Hezbollah: two posts before T0 and its adoption, on its one row.
    kataib = chart.locator('g.actor-row[data-actor="Kata\'ib Hezbollah"]')
    assert kataib.locator("polygon.dot").count() == 2
    assert kataib.locator("circle.dot").count() == 1
    boxes = [b for b in (d.bounding_box() for d in chart.locator("circle.adopter").all()) if b]
    centres = sorted(b["x"] + b["width"] / 2 for b in boxes)
    width = chart.bounding_box()
    assert len(centres) == 11 and width is not None
    # Adopters between +4.5 h and +12.2 h take over a quarter of the chart's width (on a
    # −168 h to +72 h axis they shared about 15 pixels).
    assert centres[-1] - centres[0] > width["width"] / 4
    # Rows do not overlap: each actor's label sits lower than the one before.
    tops = [b["y"] for b in (r.locator("text.row-label").bounding_box()
                             for r in rows.all()) if b]
    assert all(later - earlier >= 12 for earlier, later in zip(tops, tops[1:], strict=False))


def test_the_legend_names_colours_and_markers(page: Page) -> None:
    legend = page.locator("#legend-sedition")
    assert legend.is_visible()
    text = legend.inner_text()
    for words in ("iraqi_militia", "militia_media", "iran_official", "adoption",
                  "pre-positioned, mattered", "other post before the event",
                  "edited after the event", "another event in the window"):
        assert words in text
    swatch = legend.locator("li.legend-group .swatch").first
    colour = swatch.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "event-page.png"
    page.locator("#narrative-sedition").screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


def test_observers_apart_events_marked_phrase_as_written(page: Page, site: Site) -> None:
    observers = page.locator("#observers-sedition")
    assert "Omar al-Janabi" in observers.inner_text()
    assert "Omar al-Janabi" not in page.locator("#narrative-sedition table.adopters").inner_text()
    nearby = page.locator("#nearby-events").inner_text()
    assert "Green Zone storming attempt" in nearby and "Rockets at Zlikan base" in nearby
    for event in (site.episode.green_zone, site.episode.zlikan):
        assert page.locator(f'#leadlag-sedition g.other-event[data-event="{event}"]').count()
    phrase = page.locator("#narrative-sedition .phrases q.surface").first
    assert phrase.inner_text() == PHRASE_WRITTEN
    assert phrase.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert "6 Nov 2021 23:30 UTC" in page.locator("p.meta").first.inner_text()


def test_a_post_that_carries_markup_stays_text(page: Page) -> None:
    listed = page.locator("#narrative-sedition ul.prepositioned .post-text",
                          has_text="onerror")
    assert listed.count() == 1
    assert listed.locator("img, script").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
