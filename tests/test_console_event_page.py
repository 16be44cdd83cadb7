"""The event page tells the story right (issue 14, point 5), over HTTP on a real database:
observers apart, one chart row per actor, a chart scaled to the adopters with a legend,
readable times, the other events inside the window marked, significance per narrative,
pre-positioning that mattered before the rest, shared phrases as the actors wrote them.
The episode: tests/event_page_scenario.py."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage.database import Database
from tests.console_corpus import client_for
from tests.convergence_scenarios import tag
from tests.event_page_scenario import (
    PHRASE_STORED,
    PHRASE_WRITTEN,
    Episode,
    build,
    hours_after,
)
from tests.factories import post, write

SVG_X = re.compile(r'<circle class="dot [^"]*adopter" cx="([0-9.]+)"')


@pytest.fixture
def episode(db: Database) -> Episode:
    return build(db)


@pytest.fixture
def page(db: Database, episode: Episode, tmp_path: Path) -> str:
    client: TestClient = client_for(db, tmp_path)
    response = client.get(f"/events/{episode.drone}")
    assert response.status_code == 200
    return response.text


def _section(page: str, key: str) -> str:
    return page.split(f'id="narrative-{key}"')[1].split("</section>")[0]


def _between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_observers_are_shown_apart_and_never_counted(page: str) -> None:
    section = _section(page, "sedition")
    observers = _between(section, 'id="observers-sedition"', "</div>")
    assert "Omar al-Janabi" in observers and "never counted" in observers
    assert "1 post after T0" in observers
    assert "Omar al-Janabi" not in _between(section, 'class="adopters"', "</table>")
    assert "Omar al-Janabi" not in _between(section, 'id="leadlag-sedition"', "</svg>")
    assert "<dt>actors by 24h</dt><dd>11</dd>" in section  # the observer is not one of them


def test_one_chart_row_per_actor_with_all_its_posts(page: str) -> None:
    chart = _between(_section(page, "sedition"), 'id="leadlag-sedition"', "</svg>")
    rows = [html.unescape(r)
            for r in re.findall(r'<g class="actor-row" data-actor="([^"]+)">', chart)]
    assert len(rows) == len(set(rows)) == 11
    kataib = _between(chart, 'data-actor="Kata&#39;ib Hezbollah">', "</g>")
    # Two posts before T0 (the second edited after the event) and the adoption: one row.
    assert kataib.count("<polygon") == 2 and kataib.count("<circle") == 1
    assert kataib.count(" prepositioned edited") == 1
    # Who laid the line down comes first.
    assert rows[0] == "Kata'ib Hezbollah"


def test_chart_is_scaled_to_the_adopters_and_has_a_legend(page: str) -> None:
    section = _section(page, "sedition")
    chart = _between(section, 'id="leadlag-sedition"', "</svg>")
    assert "after the event (+14 h)" in chart  # adopters reach +12.2 h: not the 72 h window
    assert "before the event (−36 h)" in chart  # the earliest post before is at −32.9 h
    xs = sorted(float(x) for x in SVG_X.findall(chart))
    assert len(xs) == 11
    assert xs[-1] - xs[0] > 225  # +4.5 h to +12.2 h spread over the panel (was ~15 px)
    legend = _between(section, 'id="legend-sedition"', "</ul>")
    for group in ("iraqi_militia", "militia_media", "iran_official", "iraqi_politician"):
        assert group in legend
    for kind in ("adopter", "prepositioned", "prepositioned-other", "edited", "t0",
                 "other-event"):
        assert f'data-kind="{kind}"' in legend


def test_times_are_readable_with_their_offset_from_the_event(page: str) -> None:
    assert "T0 6 Nov 2021 23:30 UTC" in page
    adopters = _between(_section(page, "sedition"), 'class="adopters"', "</table>")
    assert "7 Nov 2021 04:00 UTC (+4.5 h)" in adopters
    assert "7 Nov 2021 11:42 UTC (+12.2 h)" in adopters
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", adopters)  # no raw ISO time
    # Kata'ib Hezbollah's row says what it posted before T0.
    assert "2 posts, the first 5 Nov 2021 14:36 UTC (-32.9 h)" in adopters


def test_other_events_inside_the_window_are_listed_and_marked(
        page: str, episode: Episode) -> None:
    nearby = _between(page, 'id="nearby-events"', "</section>")
    assert "Green Zone storming attempt" in nearby and "(-35.0 h)" in nearby
    assert "Rockets at Zlikan base" in nearby and "(+12.5 h)" in nearby
    assert "Rumoured blast" not in nearby  # dismissed: it did not happen
    chart = _between(_section(page, "sedition"), 'id="leadlag-sedition"', "</svg>")
    assert f'data-event="{episode.green_zone}"' in chart
    assert f'data-event="{episode.zlikan}"' in chart
    # The actor that named Zlikan answers that event: listed apart, not an adopter here.
    elsewhere = _between(_section(page, "sedition"), 'class="elsewhere"', "</div>")
    assert "Late Actor" in elsewhere and "Rockets at Zlikan base" in elsewhere


def test_shared_phrases_are_shown_as_the_actors_wrote_them(page: str) -> None:
    phrases = _between(_section(page, "sedition"), 'class="phrases"', "</ul>")
    assert PHRASE_WRITTEN in html.unescape(phrases)  # ta marbuta and hamza kept
    assert PHRASE_STORED not in html.unescape(phrases)
    assert "11 actors" in phrases


def test_prepositioning_that_mattered_first_then_the_others_apart(page: str) -> None:
    sedition = _section(page, "sedition")
    mattered = _between(sedition, '<ul class="prepositioned">', "</ul>")
    assert mattered.count("<li") == 2
    first, second = mattered.split("<li")[1:]
    assert "32.9 h before" in first and "Green Zone storming attempt" in first
    assert "10.0 h before" in second and "edited after the event" in second
    gulf = _section(page, "gulf_aggression")
    assert '<ul class="prepositioned">' not in gulf
    assert "Gulf Watch" in _between(gulf, '<ul class="prepositioned-other">', "</ul>")


def test_significance_is_shown_per_narrative(page: str) -> None:
    significance = _between(page, 'id="significance-sedition"', "</p>")
    assert "<strong>11</strong> actors within 24 h" in significance
    # The database holds no ordinary days before the episode: the page says why no p.
    assert "No placebo p: only 0 placebo windows" in significance
    assert 'id="significance-gulf_aggression"' in page


def test_significance_against_ordinary_days_gives_a_placebo_p(
        db: Database, episode: Episode, tmp_path: Path) -> None:
    # Collection began 80 days before: ordinary days with no sedition at all.
    write(db, post("actor00", "early", hours_after(-80 * 24), "نشرة الأخبار اليومية", lang="ar"))
    text = client_for(db, tmp_path).get(f"/events/{episode.drone}").text
    significance = _between(text, 'id="significance-sedition"', "</p>")
    found = re.search(r"0\.00 expected</span> \(the mean of the same measure over the same "
                      r"actors at (\d+) placebo windows on ordinary days\)", significance)
    assert found and int(found.group(1)) >= 20, significance
    p_value = re.search(r"placebo p = (0\.\d+)", significance)
    assert p_value and float(p_value.group(1)) < 0.01
    assert 'class="lift"' in significance and "No placebo p" not in significance


def test_post_content_stays_text(db: Database, episode: Episode, tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script> <img src=x onerror=alert(2)> مؤامرة الفتنة بالمسيرة'
    write(db, post("actor00", "x1", hours_after(-5), hostile, lang="ar"))
    tag(db, "actor00", "x1", "sedition", 0.9)
    text = client_for(db, tmp_path).get(f"/events/{episode.drone}").text
    assert "<script>alert(1)</script>" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
