"""Issue 8 acceptance: the demo replays the Oct–Nov 2021 episode through the real path
(replay clients → collectors → classifier → convergence → digest) and the analysis of the
seed report falls out of the data, with the classifier's own tags.

The expected adopters are read from the corpus's ground truth (`expected_narratives`, which
the demo never loads), so the test checks the classifier and the convergence SQL together.
"""

from __future__ import annotations

import email
import email.policy
import json
import shutil
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from monitor.console import create_app
from monitor.demo import EVENT_NAME
from seeds import loader
from seeds.replay import corpus_file
from seeds.replay_paths import replay_seed_files
from storage.rows import one
from tests.demo_run import DemoRun

pytest_plugins = ["tests.demo_fixtures"]
pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ATTACK = datetime(2021, 11, 6, 23, 30, tzinfo=UTC)
QAIS_WARNING = "1456631666416537600"
CHECKED = ("sedition", "false_flag", "third_party", "staged_incident", "us_culpability")


def _actors_by_handle() -> dict[tuple[str, str], tuple[str, str]]:
    """(platform, handle) -> (actor, role), from the seeds and the replay's sources."""
    sources = loader.load_sources()
    _, replay_sources = replay_seed_files()
    assert replay_sources is not None
    sources += loader.load_sources(replay_sources)
    return {(s.platform, s.handle.lower()): (s.actor or "", s.role) for s in sources}


def _written_adopters(narrative: str, hours: float) -> set[str]:
    """Actors the corpus was written to contain as adopters within `hours` of the attack."""
    actors = _actors_by_handle()
    found: set[str] = set()
    with Path(str(corpus_file())).open(encoding="utf-8") as f:
        for line in f:
            post = json.loads(line)
            actor, role = actors[(post["platform"], post["source"].lower())]
            posted = datetime.fromisoformat(post["posted_at"])
            if (role == "actor" and narrative in post.get("expected_narratives", [])
                    and ATTACK <= posted < ATTACK + timedelta(hours=hours)
                    and not post.get("forward_of") and not post.get("retweet_of")):
                found.add(actor)
    return found


def test_every_step_ran_and_a_second_run_duplicates_nothing(demo: DemoRun) -> None:
    names = [s.name for s in demo.result.steps]
    assert names == ["migrate", "seeds", "replay + collect", "read images", "classify", "converge",
                     "digest"]
    with demo.db.connection() as conn:
        counts = one(conn.execute(
            """SELECT count(*) AS posts, count(deleted_seen_at) AS deleted,
                      count(*) FILTER (WHERE version_count > 1) AS edited,
                      count(*) FILTER (WHERE kind = 'forward') AS forwards,
                      (SELECT count(*) FROM post_versions) AS versions,
                      (SELECT count(*) FROM tags) AS tags,
                      (SELECT count(*) FROM labels) AS labels,
                      (SELECT count(*) FROM digests) AS digests
               FROM posts""").fetchone())
    assert counts["posts"] >= 1500
    assert counts["deleted"] > 0 and counts["edited"] > 0 and counts["forwards"] > 0
    assert counts["labels"] == 0          # the classifier's own tags, no pre-set labels
    assert counts["digests"] == 1
    second = {s.name: s.detail for s in demo.second.steps}
    assert "0 posts inserted" in second["replay + collect"]
    assert second["classify"].startswith("0 posts read")
    assert second["digest"].startswith("already")


def test_sedition_converges_within_24_hours(demo: DemoRun) -> None:
    sedition = demo.report["sedition"]
    actors, camps = sedition["adopters_by_window"]["24h"], sedition["groups_24h"]
    assert actors >= 3
    assert camps >= 2
    # The README states what the demo shows; it cannot drift from what the demo measures.
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text(
        encoding="utf-8").split())
    assert f'"sedition" reaches {actors} actors from {camps} camps within 24 hours' in readme


# Written adopters the classifier must find within 72 h (at least, of written). Measured
# with the default multilingual-e5-small and its claim head over two runs: sedition 7 of
# 10, false_flag 4 of 5, third_party 1 or 2 of 4, staged_incident 4 of 4, us_culpability
# 7 of 8; one less is allowed where four or more were found, because int8 activations are
# quantised per batch, so a post near a threshold can flip with its batch. The corpus was
# written for a cue list that held its phrases; those the blind test split also holds are
# no cues any more (issue 13: 'طرف ثالث', 'فتنة', 'third party'), so the model decides, and
# it scores several Arabic third-party and sedition posts just under its thresholds. A
# bullet list relaying leaders' statements (Tura News) is reported speech, not adoption.
FOUND = {"sedition": (6, 10), "false_flag": (3, 5), "third_party": (1, 4),
         "staged_incident": (3, 4), "us_culpability": (6, 8)}


@pytest.mark.parametrize("narrative", CHECKED)
def test_adopters_are_the_ones_the_corpus_was_written_to_contain(
        demo: DemoRun, narrative: str) -> None:
    # Whichever event their posts answer: a post that names no event answers the Green Zone
    # storming attempt, still open (attribution, tested in test_convergence_attribution).
    entry = demo.report[narrative]
    shown = {a["actor"] for a in entry["adopters"] + entry["adopters_elsewhere"]
             if a["lag_hours"] < 72}
    written = _written_adopters(narrative, 72)
    assert written, f"the corpus carries no {narrative} adopters"
    missing = written - shown
    # The classifier, not pre-set labels, decides: as many as it found when measured.
    assert len(written & shown) >= FOUND[narrative][0], f"{narrative}: not found: {sorted(missing)}"
    assert len(written) == FOUND[narrative][1]
    extra = shown - written
    assert len(extra) <= max(1, len(written) // 4), f"{narrative}: extra adopters {sorted(extra)}"


def test_the_militia_leaders_warning_is_prepositioned(demo: DemoRun) -> None:
    flags = demo.report["false_flag"]["prepositioned"]
    warning = [p for p in flags if str(p.get("url", "")).endswith(QAIS_WARNING)]
    assert warning, [p.get("url") for p in flags]
    assert warning[0]["actor"] == "Qais al-Khazali"
    assert 30 < warning[0]["hours_before"] < 40
    assert warning[0]["edited_after_event"] is False


def test_the_statement_card_is_read_and_tagged_from_its_image(demo: DemoRun) -> None:
    """Issue 17: the corpus's card posts carry no narrative in their captions; the demo
    downloads the cards, reads them with Tesseract, and the tagger finds sedition in the
    card's text. The card three outlets posted is one cluster of image copies."""
    cards = {(line["source"], line["id"]): line for line in _corpus() if "card" in line}
    assert len(cards) == 4
    with demo.db.connection() as conn:
        rows = conn.execute(
            """SELECT s.handle, p.native_id, m.sha256, o.text,
                      coalesce(array_agg(t.narrative ORDER BY t.narrative)
                               FILTER (WHERE t.narrative IS NOT NULL), '{}') AS narratives,
                      bool_and(coalesce((t.evidence ->> 'image_text')::boolean, true))
                        AS from_image
               FROM posts p JOIN sources s ON s.id = p.source_id
               JOIN post_media pm ON pm.post_id = p.id JOIN media m ON m.id = pm.media_id
               JOIN media_ocr o ON o.media_id = m.id
               LEFT JOIN tags t ON t.post_id = p.id
               GROUP BY s.handle, p.native_id, m.sha256, o.text""").fetchall()
    read = {(r["handle"], r["native_id"]): r for r in rows}
    assert set(read) == set(cards), "every card was downloaded and read, nothing else was"
    for key, line in cards.items():
        text = read[key]["text"]
        assert "البيت الشيعي" in text or "كربلاء" in text, text  # Tesseract read the card
        assert read[key]["narratives"] == line["expected_narratives"], (key, read[key])
        assert read[key]["from_image"], key
    shared = {read[k]["sha256"] for k in cards if cards[k]["expected_narratives"]}
    assert len(shared) == 1  # one file in the store however many posts carry it
    clusters = demo.report["sedition"]["image_copies"]
    assert len(clusters) == 1 and clusters[0]["actors"] == 3
    assert clusters[0]["image"] in shared


def test_no_observer_is_ever_counted(demo: DemoRun) -> None:
    roles = dict(_actors_by_handle().values())
    observers = {a for a, r in roles.items() if r == "observer"}
    for report in demo.report.values():
        counted = {a["actor"] for a in report["adopters"]}
        counted |= {p["actor"] for p in report["prepositioned"]}
        assert not counted & observers


def _digest(demo: DemoRun) -> EmailMessage:
    (eml,) = sorted(demo.outbox.glob("*.eml"))
    assert eml.with_suffix(".html").exists()
    return email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)


def test_the_digest_names_converging_narratives_and_every_sources_state(demo: DemoRun) -> None:
    message = _digest(demo)
    plain = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text: str = plain.get_content()
    assert "sedition" in text.lower()
    health = text[text.index("COLLECTION HEALTH"):]
    # The replay serves every source, so none may be blind: each source has exactly one line,
    # under the heading of its own state (ok: new posts; quiet: collected, nothing new).
    assert "No source was blind." in health, health
    section = ""
    found: dict[str, str] = {}
    for ln in health.splitlines():
        if ln.startswith("Possible missing posts"):
            # Completeness lines (the replay's channels skip message ids), not source states.
            section = "missing"
        elif "source(s) were" in ln:
            section = ln.split("source(s) were", 1)[1].split()[0].lower()
        elif ln.startswith("  - ") and section != "missing":
            key = ln[4:].split(" ", 1)[0].split(":", 1)[0].lower()
            assert key not in found, f"{key} listed twice"
            state = ln.split(": ", 1)[1].split(",")[0].split(";")[0]
            assert state == section, ln
            found[key] = state
    expected = {f"{platform}/{handle}" for platform, handle in _actors_by_handle()}
    assert set(found) == expected
    assert set(found.values()) <= {"ok", "quiet"} and "ok" in found.values()


def _corpus() -> list[dict[str, Any]]:
    with Path(str(corpus_file())).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.browser
def test_dashboard_and_event_page_screenshots(demo: DemoRun) -> None:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(demo.config, demo.db), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert shutil.which("/usr/bin/chromium"), "run `make browser`"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True,
                args=["--headless", "--no-sandbox", "--disable-gpu",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            assert "sedition" in page.content().lower()
            page.screenshot(path=str(ARTIFACTS / "demo-dashboard.png"), full_page=True)
            page.goto(f"http://127.0.0.1:{port}/events/{demo.result.event_id}")
            body = page.content()
            assert EVENT_NAME in body and "Qais al-Khazali" in body
            # The card read from its image, served by the console, not from Telegram
            card = page.locator("#narrative-sedition .image-copies img.card-thumb")
            assert card.count() == 1
            card.scroll_into_view_if_needed()
            assert card.evaluate("img => img.complete && img.naturalWidth > 0")
            page.screenshot(path=str(ARTIFACTS / "demo-event-2021-11-07.png"), full_page=True)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
