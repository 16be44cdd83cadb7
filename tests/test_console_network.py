"""The console's discovery and network pages (issue 16): over HTTP with hostile names, and in
headless Chromium: the graph draws with Arabic labels and no script or CSP error, an edge
leads to its evidence posts, and candidates are accepted and rejected by clicking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from storage.database import Database
from tests.browser_support import ARTIFACTS, console_app, served
from tests.console_corpus import client_for, csrf_token
from tests.factories import add_source, post, write

pytest_plugins = ["tests.browser_fixtures"]

ARABIC = "قناة الحقيقة"
HOSTILE = '<img src=x onerror=alert(1)>"\u202e'
PERIOD = "since=2021-11-01&until=2021-11-09"


def _data(db: Database) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    add_source(db, "telegram", "sabreenS1", "صابرين نيوز", "militia_media")
    add_source(db, "twitter", "Qais_alkhazali", "Qais al-Khazali", "iraqi_militia")
    write(db,
          post("Tura313", "1", "2021-11-07 01:00", "", kind="forward", forwarded_from="sabreenS1"),
          post("Tura313", "2", "2021-11-07 02:00", "", kind="forward", forwarded_from=ARABIC,
               raw={"forwarded_from": ARABIC}),
          post("sabreenS1", "3", "2021-11-07 02:30", "", kind="forward", forwarded_from=ARABIC,
               raw={"forwarded_from": ARABIC}),
          post("sabreenS1", "4", "2021-11-07 03:00", "", kind="forward", forwarded_from=HOSTILE,
               raw={"forwarded_from": HOSTILE}),
          post("Qais_alkhazali", "6", "2021-11-07 04:00", "تابعوا @new_voice و @new_voice",
               platform="twitter"),
          post("Qais_alkhazali", "7", "2021-11-07 05:00", "@new_voice", platform="twitter"))


def test_pages_escape_hostile_names(db: Database, tmp_path: Path) -> None:
    _data(db)
    client = client_for(db, tmp_path)
    for url in ("/sources/candidates?min_refs=1", f"/network?{PERIOD}"):
        page = client.get(url)
        assert page.status_code == 200, page.text
        assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text
        assert ARABIC in page.text
    data = client.get(f"/network.json?{PERIOD}").json()  # forwards and amplification
    assert {n["label"] for n in data["nodes"]} == {ARABIC, HOSTILE, "Tura313", "sabreenS1"}
    assert all(isinstance(p, int) for e in data["edges"] for p in e["evidence"])
    for fmt in ("gexf", "graphml", "csv"):
        export = client.get(f"/network/export?format={fmt}&{PERIOD}")
        assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    assert client.get(f"/network?{PERIOD}&layer=bogus").status_code == 400
    assert client.get("/network?since=yesterday").status_code == 400
    token = csrf_token(client, "/sources/candidates")
    bad = client.post("/sources/candidates/accept", data={
        "csrf_token": token, "platform": "telegram", "key": "name:" + HOSTILE.lower(),
        "role": "observer"})
    assert bad.status_code == 400 and "--handle" in bad.text and "<img src=x" not in bad.text
    forged = client.post("/sources/candidates/reject", data={
        "csrf_token": "x" + token, "platform": "twitter", "key": "new_voice"})
    assert forged.status_code == 403


@pytest.fixture
def site(db: Database, tmp_path: Path) -> Iterator[str]:
    _data(db)
    with served(console_app(db, tmp_path)) as url:
        yield url



@pytest.mark.browser
def test_the_graph_draws_with_arabic_labels(site: str, page: Page) -> None:
    page.goto(f"{site}/network?{PERIOD}&layer=forward&layer=mention")
    page.wait_for_selector("#network[data-ready]:not([data-ready='0'])")
    assert page.get_attribute("#network", "data-ready") == "6"
    labels = page.evaluate("window.chorusNetwork.nodes().map(n => n.data('label'))")
    assert ARABIC in labels and HOSTILE in labels
    assert page.locator("#network canvas").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "network-page.png"), full_page=True)
    # Typing in Find fades all but the match and its neighbours.
    page.fill("#network-find", "tura")
    faded = page.evaluate("window.chorusNetwork.nodes('.faded').map(n => n.data('label'))")
    assert "Qais_alkhazali" in faded and "Tura313" not in faded
    # An edge (as a click on it does) lists its evidence posts; the link opens the post.
    page.evaluate("window.chorusNetwork.edges().filter(e => e.data('kinds') === 'forward')"
                  ".filter(e => e.target().data('label') === 'sabreenS1')[0].emit('tap')")
    link = page.locator("#network-detail a").first
    assert link.inner_text().startswith("post #")
    link.click()
    page.wait_for_url("**/posts/*")
    assert "Tura313" in page.inner_text("main")


@pytest.mark.browser
def test_candidates_are_accepted_and_rejected_by_clicking(site: str, page: Page,
                                                          db: Database) -> None:
    page.goto(f"{site}/sources/candidates?min_refs=1")
    rows = page.locator("tr.candidate-row")
    assert rows.count() == 3
    assert rows.first.get_attribute("data-key") == "name:" + ARABIC  # two actors cite it
    voice = page.locator("tr.candidate-row[data-key='new_voice']")
    assert "2" in voice.locator("td.num").first.inner_text()
    with page.expect_navigation():
        voice.locator(".reject-form button").click()
    assert page.locator("tr.candidate-row[data-key='new_voice']").count() == 0
    assert "new_voice" in page.inner_text("#decided")
    arabic = page.locator("tr.candidate-row").first
    arabic.get_by_label("Username").fill("haqiqa_ch")
    arabic.get_by_label("Role").select_option("actor")
    arabic.get_by_label("Actor", exact=True).fill("Al-Haqiqa")
    arabic.get_by_label("Group").fill("militia_media")
    with page.expect_navigation():
        arabic.get_by_role("button", name="Accept").click()
    with db.connection() as conn:
        row = conn.execute("SELECT s.role, s.discovered->>'via' AS via, a.group_key FROM sources s "
                           "JOIN actors a ON a.id = s.actor_id WHERE s.handle = 'haqiqa_ch'"
                           ).fetchone()
        decided = conn.execute("SELECT decision, analyst FROM source_candidate_decisions "
                               "ORDER BY decided_at").fetchall()
    assert row == {"role": "actor", "via": "citations", "group_key": "militia_media"}
    assert [(d["decision"], d["analyst"]) for d in decided] == [
        ("rejected", "tester"), ("accepted", "tester")]
