"""The digest composed from a real database (seeds + posts + labels + collector state),
then delivered end to end to a real SMTP server, and the `chorus digest` command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.digest import build_digest, deliver_digest
from monitor.digest.model import Digest
from storage import collection
from storage.database import Database
from storage.rows import one
from tests.factories import post, write
from tests.test_digest_support import (
    SmtpServer,
    config_from,
    outbox_env,
    smtp_env,
    smtp_server,
)

DAY = date(2021, 11, 7)
# The adopters name the drone attack (its seed keywords): the Green Zone storming attempt
# (5 Nov) is still open, and takes every adoption that names neither (attribution).
ARABIC = "استهداف منزل رئيس الوزراء مشروع فتنة تقف خلفه السفارة الأمريكية"
PERSIAN = "حمله پهپادی به منزل نخست وزیر فتنه اندیشکده‌های آمریکایی است"
SCRIPT_POST = ("<script>document.location='https://evil.example'</script> the drone strike is "
               "a fitna sedition plot")
COPY = "statement of the resistance: a third party stands behind the attack on the residence"
NOW = datetime(2021, 11, 8, 7, 0, tzinfo=UTC)


def set_state(db: Database, handle: str, state: str, error: str | None = None) -> None:
    with db.connection() as conn:
        row = conn.execute("SELECT id FROM sources WHERE handle = %(h)s", {"h": handle}).fetchone()
        assert row is not None
        # The last run: half an hour before the period ends (blind_after is 3 hours).
        collection.set_state(conn, int(row["id"]), state=state,
                             now=datetime(2021, 11, 7, 23, 30, tzinfo=UTC), error=error)


@pytest.fixture
def episode(seeded_db: Database) -> Database:
    db = seeded_db
    write(
        db,
        # Pre-positioned two days before the drone attack (2021-11-06 23:30 UTC), naming it:
        # it matters although false_flag does not converge afterwards.
        post("Qais_alkhazali", "100", "2021-11-05 10:00",
             "beware, a false flag is being prepared: a drone strike they will blame on us",
             platform="twitter", labels=["false_flag"], lang="en"),
        # Three actors in three groups adopt sedition within hours of the attack.
        post("Tura313", "201", "2021-11-07 00:10", ARABIC, labels=["sedition"], lang="ar",
             url="https://t.me/Tura313/201"),
        post("alishamkhani_ir", "202", "2021-11-07 01:00", PERSIAN, platform="twitter",
             labels=["sedition"], lang="fa", url="https://twitter.com/alishamkhani_ir/status/202"),
        post("Qais_alkhazali", "203", "2021-11-07 02:00", SCRIPT_POST, platform="twitter",
             labels=["sedition"], lang="en", url="javascript:alert(1)"),
        # An observer says it too: shown apart, never an adopter.
        post("omartvsd", "204", "2021-11-07 00:05", "militias call it sedition", platform="twitter",
             labels=["sedition"]),
        # Two outlets post the same text 20 minutes apart: a coordinated copy.
        post("Tura313", "301", "2021-11-07 05:00", COPY, labels=["third_party"]),
        post("sabreenS1", "302", "2021-11-07 05:20", COPY, labels=["third_party"],
             url="https://t.me/sabreenS1/302"),
    )
    set_state(db, "Tura313", "ok")
    set_state(db, "sabreenS1", "ok")
    set_state(db, "alishamkhani_ir", "rate_limited", "429 Too Many Requests")
    set_state(db, "Qais_alkhazali", "cap_reached", "monthly read cap reached")
    return db


def compose(db: Database, tmp_path: Path) -> Digest:
    config = config_from(outbox_env(db.url, tmp_path))
    return build_digest(config, db, DAY, now=NOW)


def test_sections_come_from_the_data(episode: Database, tmp_path: Path) -> None:
    digest = compose(episode, tmp_path)
    assert (digest.since, digest.until) == (datetime(2021, 11, 7, tzinfo=UTC),
                                           datetime(2021, 11, 8, tzinfo=UTC))
    assert digest.posts_in_period == 6
    by_key = {n.key: n for n in digest.converging}
    assert set(by_key) == {"sedition", "third_party"}
    sedition = by_key["sedition"]
    assert sedition.adopters == 3  # the observer does not count
    assert sedition.groups == ["iran_official", "iraqi_militia", "militia_media"]
    assert sedition.first_mover == "Tura News"
    assert sedition.anchor.startswith("Drone attack on PM residence")
    assert sedition.time_to_k_hours == pytest.approx(2.5)  # 02:00 is 2.5 h after 23:30
    texts = {e.lang: e.text for e in sedition.examples}
    assert texts == {"ar": ARABIC, "fa": PERSIAN, "en": SCRIPT_POST}  # original languages
    first, last = digest.converging[0].score, digest.converging[-1].score
    assert first is not None and last is not None and first >= last
    (flag,) = digest.prepositioned
    assert (flag.narrative, flag.actor, flag.event) == (
        "false_flag", "Qais al-Khazali", "Drone attack on PM residence")
    assert flag.hours_before == pytest.approx(37.5) and not flag.edited_after_event
    (cluster,) = digest.copies
    assert cluster.narrative == "third_party"
    assert cluster.actors == ["Tura News", "Sabereen News"]
    assert [p.text for p in cluster.posts] == [COPY, COPY]
    blind = {s.handle: s.reason for s in digest.blind}
    assert blind["alishamkhani_ir"] == "rate_limited"
    assert blind["Qais_alkhazali"] == "cap_reached"
    assert blind["omartvsd"] == "never"  # watched but never collected: blind, not quiet
    assert "Tura313" not in blind and "sabreenS1" not in blind
    (chart,) = digest.charts
    assert chart.png.startswith(b"\x89PNG") and "sedition 3" in chart.alt


def test_a_quiet_day_has_empty_sections(seeded_db: Database, tmp_path: Path) -> None:
    digest = build_digest(config_from(outbox_env(seeded_db.url, tmp_path)), seeded_db,
                          date(2021, 9, 1), now=NOW)
    assert digest.converging == [] and digest.prepositioned == [] and digest.copies == []
    assert digest.posts_in_period == 0 and digest.charts[0].png.startswith(b"\x89PNG")


@pytest.fixture
def plain_server() -> Iterator[SmtpServer]:
    with smtp_server("none") as server:
        yield server


def test_composed_digest_end_to_end_over_smtp(episode: Database, plain_server: SmtpServer,
                                              tmp_path: Path) -> None:
    config = config_from(smtp_env(plain_server, None, episode.url, tmp_path))
    result = deliver_digest(config, episode, build_digest(config, episode, DAY, now=NOW))
    assert result.status == "sent"
    (got,) = plain_server.sink.received
    msg: EmailMessage = got.message
    html_part = msg.get_body(preferencelist=("html",))
    text_part = msg.get_body(preferencelist=("plain",))
    assert html_part is not None and text_part is not None
    html, text = html_part.get_content(), text_part.get_content()
    assert "<script>document" not in html and "&lt;script&gt;document.location=" in html
    assert "javascript:" not in html
    assert 'href="https://twitter.com/alishamkhani_ir/status/202"' in html
    assert PERSIAN in html and PERSIAN in text and SCRIPT_POST in text
    assert "rate-limited" in text and "monthly read cap reached" in text
    images = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and f'cid:{images[0]["Content-ID"].strip("<>")}' in html


def run(db: Database, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    env = outbox_env(db.url, tmp_path)
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_digest_command_preview_send_and_errors(episode: Database, tmp_path: Path) -> None:
    code, out, err = run(episode, tmp_path, "digest", "--date", "2021-11-07", "--dry-run",
                         "--json")
    assert code == 0, err
    preview = json.loads(out)
    assert preview["status"] == "preview" and "sedition" in preview["converging"]
    # What converged, grouped by the event it answers: the Zlikan rockets (12:00) take none;
    # the copies, which name no event, answer the Green Zone storming, still open.
    event, zlikan, storming = preview["events"]
    assert (event["name"], zlikan["name"], storming["name"]) == (
        "Drone attack on PM residence", "Rockets at Zlikan base", "Green Zone storming attempt")
    assert zlikan["converging"] == [] and zlikan["lone"] == []
    assert [n["narrative"] for n in event["converging"]] == ["sedition"]
    assert [n["narrative"] for n in storming["converging"]] == ["third_party"]
    assert [f["actor"] for f in event["prepositioned"]] == ["Qais al-Khazali"]
    assert preview["subject"].startswith("Chorus digest 2021-11-07: sedition: 3 actors")
    assert Path(preview["eml"]).name == "chorus-digest-2021-11-07.preview.eml"
    assert Path(preview["html"]).exists()
    with episode.connection() as conn:  # a preview records nothing
        assert one(conn.execute("SELECT count(*) AS n FROM digests").fetchone())["n"] == 0
    code, out, _ = run(episode, tmp_path, "digest", "--date", "2021-11-07", "--send", "--json")
    sent = json.loads(out)
    assert code == 0 and sent["status"] == "written"
    assert Path(sent["path"]).read_bytes().startswith(b"Subject: Chorus digest 2021-11-07")
    code, out, _ = run(episode, tmp_path, "digest", "--date", "2021-11-07", "--send")
    assert code == 0 and "digest 2021-11-07: already" in out
    code, _, err = run(episode, tmp_path, "digest", "--date", "2021-11-07")
    assert code == 2 and "choose one of --send or --dry-run" in err
    code, _, err = run(episode, tmp_path, "digest", "--date", "7/11/2021", "--send")
    assert code == 2 and "YYYY-MM-DD" in err and "Traceback" not in err


def test_digest_command_reports_an_unreachable_smtp_server(episode: Database,
                                                           tmp_path: Path) -> None:
    env = {**outbox_env(episode.url, tmp_path), "CHORUS_SMTP_HOST": "127.0.0.1",
           "CHORUS_SMTP_PORT": "1", "CHORUS_SMTP_SECURITY": "starttls",
           "CHORUS_SMTP_USER": "mailer", "CHORUS_SMTP_PASSWORD": "pa55-word-secret",
           "CHORUS_SMTP_TIMEOUT_S": "3"}
    result = CliRunner().invoke(cli, ["digest", "--date", "2021-11-07", "--send"], env=env)
    assert result.exit_code == 2
    assert "cannot send the digest via SMTP server 127.0.0.1:1 (starttls)" in result.stderr
    assert "pa55-word-secret" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    with episode.connection() as conn:
        row = conn.execute("SELECT status, attempts FROM digests").fetchone()
    assert row == {"status": "failed", "attempts": 1}  # recorded; a later run retries it
