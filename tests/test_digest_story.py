"""The digest tells the story right (issue 14, point 4), on hand-built posts in a real database:
each narrative under the event its adopters answer, pre-positioning that mattered first, the
subject naming the strongest convergences, mixed Arabic and Latin lines in order, and the
email (sent to a real SMTP server) carrying all of it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from monitor.digest import build_digest, deliver_digest
from monitor.digest.bidi import FSI, PDI, is_rtl, isolate_line, runs
from monitor.digest.model import Digest, EventSection
from monitor.digest.render import render_html, render_text
from storage.database import Database
from tests.convergence_scenarios import add_event, add_narrative
from tests.factories import add_source, post, write
from tests.test_digest_support import (
    config_from,
    outbox_env,
    sample_digest,
    smtp_env,
    smtp_server,
)

DAY = date(2021, 11, 5)
NOW = datetime(2021, 11, 6, 7, 0, tzinfo=UTC)
FIRST, SECOND = "Rockets at Zlikan base", "Umm Qasr port closed"
WARNING = "they will close the Umm Qasr port and blame the resistance: a sedition"
COPY = "لماذا لم تعمل منظومة C-RAM الأمريكية ليلة الاستهداف؟ الصمت يفضح من يقف خلف الحادث"


def at(hours: float) -> str:
    return (datetime(2021, 11, 5, tzinfo=UTC) + timedelta(hours=hours)).isoformat()


@pytest.fixture
def two_events(db: Database) -> Database:
    """Rockets at a base at 02:00, a port closed 12 h later; distinct keywords."""
    add_narrative(db, "us_culpability")
    add_narrative(db, "sedition")
    for i, name in enumerate(("Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta")):
        add_source(db, "telegram", name.lower(), name, ("militia_media", "iraqi_militia",
                                                        "iran_official")[i % 3])
    us, sedition = ["us_culpability"], ["sedition"]
    write(
        db,
        # A sedition line pushed in general a day before either event (names neither).
        post("eta", "1", at(-16), "the americans sow sedition among iraqis", labels=sedition),
        post("alpha", "2", at(3), "the americans fired at zlikan tonight", labels=us),
        post("gamma", "3", at(4), "Zlikan was hit by american rockets", labels=us),
        # Inside the first event's window, naming the second before it happens: a warning.
        post("zeta", "4", at(10), WARNING, labels=sedition),
        # Names nothing after the second event: the first, still open, keeps it.
        post("delta", "5", at(15), "the americans are behind all of this", labels=us),
        post("beta", "6", at(15.2), "the US closed Umm Qasr port", labels=us),
        post("epsilon", "7", at(16), "Umm Qasr port: washington again", labels=us),
        post("beta", "8", at(15.5), "Umm Qasr port closure is a sedition plot", labels=sedition),
        post("zeta", "9", at(16.5), "the sedition of Umm Qasr port", labels=sedition),
        post("eta", "10", at(17), "Umm Qasr port closed to spread sedition", labels=sedition),
        # Two actors post the same Arabic text with a Latin word inside: a coordinated copy.
        post("alpha", "11", at(20), COPY, labels=us, lang="ar"),
        post("gamma", "12", at(20.3), COPY, labels=us, lang="ar"),
    )
    add_event(db, FIRST, at(2), keywords={"en": ["Zlikan"], "ar": ["زليكان"]})
    add_event(db, SECOND, at(14), keywords={"en": ["Umm Qasr"], "ar": ["ميناء أم قصر"]})
    return db


def compose(db: Database, tmp_path: Path) -> Digest:
    return build_digest(config_from(outbox_env(db.url, tmp_path)), db, DAY, now=NOW)


def section(digest: Digest, name: str) -> EventSection:
    (found,) = [e for e in digest.events if e.name == name]
    return found


def test_each_narrative_is_measured_against_the_event_its_adopters_answer(
        two_events: Database, tmp_path: Path) -> None:
    digest = compose(two_events, tmp_path)
    first, second = section(digest, FIRST), section(digest, SECOND)
    by_key = {n.key: n for n in first.converging}
    assert set(by_key) == {"us_culpability"}  # the later event takes nothing it does not name
    assert by_key["us_culpability"].actors == ["Alpha", "Gamma", "Delta"]
    assert by_key["us_culpability"].event == FIRST
    assert by_key["us_culpability"].first_lag_hours == pytest.approx(1.0)
    later = {n.key: n for n in second.converging}
    assert later["us_culpability"].actors == ["Beta", "Epsilon"]
    assert later["sedition"].actors == ["Beta", "Zeta", "Eta"]
    assert later["sedition"].groups == ["iran_official", "iraqi_militia", "militia_media"]
    assert later["sedition"].time_to_k_hours == pytest.approx(3.0)
    significance = later["sedition"].significance
    assert significance is not None and significance.observed_24h == 3
    # Too little collected time before the event for placebo windows: a note, never a p.
    assert significance.placebo_p is None and significance.note
    # The strongest convergences lead the subject, each with its actors and its event.
    strongest = max(digest.converging, key=lambda n: n.score or 0)
    assert f"{strongest.key}: {strongest.adopters} actors" in digest.subject
    assert f"after {strongest.event}" in digest.subject


def test_the_warning_naming_the_later_event_is_flagged_first(two_events: Database,
                                                            tmp_path: Path) -> None:
    second = section(compose(two_events, tmp_path), SECOND)
    warning, general = second.prepositioned[:2]
    assert (warning.actor, warning.keys, warning.names_event) == ("Zeta", ["sedition"], True)
    assert warning.hours_before == pytest.approx(4.0)
    assert warning.answers_event == FIRST  # an adoption of the first, still flagged
    assert warning.post.text == WARNING and not warning.edited_after_event
    # The same line pushed in general comes after the warning, though it is earlier.
    assert (general.actor, general.names_event, general.hours_before) == ("Eta", False, 30.0)


def test_the_email_carries_the_story(two_events: Database, tmp_path: Path) -> None:
    with smtp_server("none") as server:
        config = config_from(smtp_env(server, None, two_events.url, tmp_path))
        digest = build_digest(config, two_events, DAY, now=NOW)
        assert deliver_digest(config, two_events, digest).status == "sent"
        (got,) = server.sink.received
    message = got.message
    assert "sedition: 3 actors" in str(message["Subject"])
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content(), html_part.get_content()
    lead = text.index(f"== After {SECOND}")
    assert lead < text.index(f"After {FIRST}") < text.index("PRE-POSITIONING THAT MATTERED")
    flags = text[text.index(f"Before {SECOND}"):]
    assert flags.index("Zeta pushed sedition") < flags.index("Eta pushed sedition")
    assert f"naming it (an adoption of {FIRST} too)" in flags
    assert "In order: Beta, Zeta, Eta" in text
    # The copy's Arabic sentence is quoted on its own line, the Latin word isolated in it.
    copy_line = next(ln for ln in text.splitlines() if "منظومة" in ln and "C-RAM" in ln)
    assert f"{FSI}C-RAM{PDI}" in copy_line and copy_line.lstrip().startswith("> لماذا")
    assert f"<bdi>{SECOND}</bdi>" in html and "<bdi>C-RAM</bdi>" in html
    assert 'lang="ar" dir="auto"' in html


def test_bidi_runs_isolate_the_other_direction_only() -> None:
    line = "قال Qais al-Khazali (AAH) 2021: انتبهوا"
    assert is_rtl(line) and not is_rtl("Tura News: " + line)
    pieces = runs(line)
    assert "".join(r.text for r in pieces) == line
    assert [r.text for r in pieces if r.isolated] == ["Qais al-Khazali (AAH) 2021"]
    assert isolate_line(line) == f"قال {FSI}Qais al-Khazali (AAH) 2021{PDI}: انتبهوا"
    # In a Latin line the Arabic run is isolated; an all-Latin line is left alone.
    assert isolate_line("Tura News, 05:00: هذا مشروع فتنة 313") == (
        f"Tura News, 05:00: {FSI}هذا مشروع فتنة{PDI} 313")
    assert isolate_line("First mover: Tura News (3.5 h)") == "First mover: Tura News (3.5 h)"


def test_a_posts_own_direction_controls_never_reach_the_digest() -> None:
    digest = sample_digest()
    hostile = "\u202eevil override\u2067 and an unclosed isolate"
    example = digest.converging[0].examples[0]
    forged = type(example)(**{**example.__dict__, "text": hostile})
    narrative = digest.converging[0]
    digest.converging[0] = type(narrative)(**{**narrative.__dict__, "examples": [forged]})
    for rendered in (render_text(digest), render_html(digest)):
        assert "evil override" in rendered
        assert "\u202e" not in rendered and "\u2067" not in rendered
