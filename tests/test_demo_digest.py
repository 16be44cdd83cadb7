"""Issue 14 acceptance, point 4: the 7 November 2021 digest on the demo database, with the
classifier's own tags, tells the story right: each narrative under the event its adopters
answer (the drone attack's lines under the drone attack, the anti-Turkish line under the
Zlikan rockets, which take none of the drone attack's), the subject naming sedition, and
Qais al-Khazali's 5 November warning as the first pre-positioning flag for the drone attack.
"""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest

from monitor.demo import EVENT_NAME
from monitor.digest import build_digest
from monitor.digest.bidi import FSI, PDI
from monitor.digest.model import Digest, EventSection
from tests.demo_run import DemoRun

pytest_plugins = ["tests.demo_fixtures"]
pytestmark = pytest.mark.slow

DAY = date(2021, 11, 7)
ZLIKAN = "Rockets at Zlikan base"
QAIS_WARNING = "1456631666416537600"
CONVERGING = ("sedition", "us_culpability", "staged_incident", "false_flag")
# third_party is measured against the drone attack too, but within the 7 November period the
# classifier tags one of its written adopters (Sabereen News, 06:40 UTC), so the digest lists
# it as taken up by one actor only. The written third-party adopters it misses that day:
# Hadi al-Ameri (x.com/HadiAmeri_demo/status/1457223789576802304, 05:50, no tag at all),
# Kata'ib Hezbollah (t.me/kataibhezbollah_demo/4211, 11:40, tagged sedition only) and Tura
# News (t.me/Tura313/21024, 13:10, no tag); Tura's 06:20 bullet list relays others' words.
MEASURED = (*CONVERGING, "third_party")


@pytest.fixture(scope="module")
def digest(demo: DemoRun) -> Digest:
    return build_digest(demo.config, demo.db, DAY,
                        now=datetime(2021, 11, 8, 7, 0, tzinfo=UTC))


def section(digest: Digest, name: str) -> EventSection:
    (found,) = [e for e in digest.events if e.name == name]
    return found


def measured(event: EventSection) -> set[str]:
    return {n.key for n in event.converging} | {a.narrative for a in event.lone}


def test_each_narrative_is_measured_against_the_event_it_answers(digest: Digest) -> None:
    drone, zlikan = section(digest, EVENT_NAME), section(digest, ZLIKAN)
    converging = {n.key for n in drone.converging}
    assert set(CONVERGING) <= converging, sorted(converging)
    assert set(MEASURED) <= measured(drone), sorted(measured(drone))
    assert {n.key for n in zlikan.converging} >= {"anti_turkish_presence"}
    assert not measured(zlikan) & set(MEASURED)  # the later event takes none of them
    assert "anti_turkish_presence" not in measured(drone)
    for n in drone.converging:
        assert n.event == EVENT_NAME and n.anchor.startswith(EVENT_NAME)
    # The day's events lead, the strongest first.
    assert digest.events[0].name == EVENT_NAME


def test_sedition_after_the_drone_attack_with_its_significance(demo: DemoRun,
                                                              digest: Digest) -> None:
    (sedition,) = [n for n in section(digest, EVENT_NAME).converging if n.key == "sedition"]
    report = demo.report["sedition"]
    assert sedition.adopters >= 3 and len(sedition.groups) >= 2
    assert sedition.actors[0] == report["first_mover"]["actor"] == sedition.first_mover
    assert sedition.significance is not None
    assert sedition.significance.placebo_p == report["significance"]["placebo_p"]
    assert sedition.significance.placebo_windows == report["significance"]["placebo_windows"]


def test_the_first_flag_for_the_drone_attack_is_the_militia_leaders_warning(
        digest: Digest) -> None:
    first = section(digest, EVENT_NAME).prepositioned[0]
    assert first.actor == "Qais al-Khazali"
    assert first.post.posted_at == datetime(2021, 11, 5, 14, 37, 6, tzinfo=UTC)
    assert str(first.post.url).endswith(QAIS_WARNING)
    assert "false_flag" in first.keys and first.names_event and not first.edited_after_event
    assert 30 < first.hours_before < 35


def _message(demo: DemoRun) -> EmailMessage:
    (eml,) = sorted(demo.outbox.glob("chorus-digest-2021-11-07.eml"))
    parsed = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_the_written_email_names_sedition_and_reads_in_order(demo: DemoRun) -> None:
    message = _message(demo)
    subject = str(message["Subject"]).strip()
    assert "sedition: " in subject and f"after {EVENT_NAME}" in subject, subject
    plain = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    assert plain is not None and html_part is not None
    text, html = plain.get_content(), html_part.get_content()
    assert text.index(f"== After {EVENT_NAME}") < text.index(f"== After {ZLIKAN}")
    flags = text[text.index(f"Before {EVENT_NAME}"):].splitlines()
    assert next(ln for ln in flags if ln.startswith("* ")).startswith("* Qais al-Khazali pushed")
    # The C-RAM copies: the Arabic sentence in order, the Latin name isolated inside it.
    assert f"{FSI}C-RAM{PDI}" in text and "<bdi>C-RAM</bdi>" in html
    assert f"<bdi>{EVENT_NAME}</bdi>" in html
