"""The digest email through a real SMTP server on loopback, and its exactly-once protocol."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from monitor.digest.delivery import DeliveryResult, deliver, deliver_digest
from monitor.digest.model import Digest
from monitor.digest.send import DeliveryError
from storage import digests as digest_rows
from storage.database import Database
from tests.test_digest_support import (
    ARABIC,
    HOSTILE,
    SMTP_PASSWORD,
    SMTP_USER,
    SmtpServer,
    config_from,
    make_tls_files,
    outbox_env,
    sample_digest,
    smtp_env,
    smtp_server,
)

DAY = date(2021, 11, 7)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def starttls_server(tls_files: tuple[Path, Path]) -> Iterator[SmtpServer]:
    with smtp_server("starttls", tls_files) as server:
        yield server


@pytest.fixture
def implicit_tls_server(tls_files: tuple[Path, Path]) -> Iterator[SmtpServer]:
    with smtp_server("tls", tls_files) as server:
        yield server


@pytest.fixture
def plain_server() -> Iterator[SmtpServer]:
    with smtp_server("none") as server:
        yield server
ROOT = Path(__file__).resolve().parents[1]


def row(db: Database, day: date = DAY) -> digest_rows.DigestRecord:
    with db.connection() as conn:
        found = digest_rows.get(conn, day)
    assert found is not None
    return found


def never_build() -> Digest:
    raise AssertionError("the recorded message must be reused, not rebuilt")


def test_starttls_delivery_mime_headers_escaping_image_and_text(
    db: Database, starttls_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path,
) -> None:
    config = config_from(smtp_env(starttls_server, tls_files, db.url, tmp_path))
    result = deliver_digest(config, db, sample_digest())
    assert result.status == "sent" and result.attempts == 1
    (got,) = starttls_server.sink.received
    assert got.login == SMTP_USER  # authenticated, after STARTTLS (the server requires both)
    assert got.mail_from == "chorus@monitor.example"
    assert got.rcpt_tos == ["analyst@desk.example", "lead@desk.example"]
    msg = got.message
    assert msg["Message-ID"] == result.message_id == row(db).message_id
    subject = str(msg["Subject"]).strip()  # a folded header may keep its folding space
    assert subject.startswith("Chorus digest 2021-11-07: sedition: 3 actors")
    assert "1 blind source" in subject
    assert msg["To"] == "analyst@desk.example, lead@desk.example"
    assert msg["Date"] and msg["X-Chorus-Digest-Date"] == "2021-11-07"
    # multipart/alternative: text/plain, then multipart/related (text/html + image/png).
    assert msg.get_content_type() == "multipart/alternative"
    plain, related = msg.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, image = related.iter_parts()
    assert html_part.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    png: bytes = image.get_content()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
    cid = image["Content-ID"].strip("<>")
    html = html_part.get_content()
    assert f'src="cid:{cid}"' in html
    # Hostile post text arrives as text: escaped, never markup, never a javascript: link.
    assert "<script>" not in html and "<img src=x" not in html and "<b>project" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:" not in html
    assert 'href="https://t.me/sabreenS1/101"' in html
    assert ARABIC in html and 'lang="ar" dir="auto"' in html
    assert "429 &lt;Too Many Requests&gt;" in html
    # The plain text is readable: the same facts without markup, the post as written.
    text = plain.get_content()
    assert HOSTILE in text and ARABIC in text
    assert "NARRATIVES CONVERGING IN THE LAST 24 HOURS" in text
    assert "First mover: Tura News" in text and "Time to 3 actors: 4.5 h" in text
    assert "twitter/alishamkhani_ir (Ali Shamkhani): rate-limited" in text
    quiet_line = next(ln for ln in text.splitlines() if "telegram/quietchannel" in ln)
    assert ": quiet; last success" in quiet_line
    assert "https://chorus.example/narratives/sedition" in text
    assert "<p>" not in text and "&lt;" not in text
    assert SMTP_PASSWORD.encode() not in got.data
    recorded = row(db)
    assert recorded.status == "sent" and recorded.message is not None
    assert got.data.rstrip(b"\r\n") == recorded.message.rstrip(b"\r\n")  # exact bytes


def test_implicit_tls_delivery(db: Database, implicit_tls_server: SmtpServer,
                               tls_files: tuple[Path, Path], tmp_path: Path) -> None:
    config = config_from(smtp_env(implicit_tls_server, tls_files, db.url, tmp_path))
    assert deliver_digest(config, db, sample_digest()).status == "sent"
    (got,) = implicit_tls_server.sink.received
    assert got.login == SMTP_USER


def test_credentials_are_never_sent_without_encryption(
    db: Database, plain_server: SmtpServer, tmp_path: Path,
) -> None:
    env = smtp_env(plain_server, None, db.url, tmp_path)
    env["CHORUS_SMTP_USER"] = SMTP_USER
    with pytest.raises(DeliveryError, match="without encryption"):
        deliver_digest(config_from(env), db, sample_digest())
    assert plain_server.sink.received == []
    assert row(db).status == "failed"


def test_wrong_password_fails_clearly_then_a_retry_delivers_the_recorded_message(
    db: Database, starttls_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path,
) -> None:
    bad = config_from(smtp_env(starttls_server, tls_files, db.url, tmp_path,
                               password="wrong-password-123"))
    with pytest.raises(DeliveryError) as error:
        deliver_digest(bad, db, sample_digest())
    assert "refused the login of 'chorus-mailer'" in str(error.value)
    assert "wrong-password-123" not in str(error.value)
    failed = row(db)
    assert failed.status == "failed" and failed.attempts == 1 and failed.last_error
    assert starttls_server.sink.received == []
    good = config_from(smtp_env(starttls_server, tls_files, db.url, tmp_path))
    result = deliver(good, db, DAY, never_build)
    assert result.status == "sent" and result.attempts == 2
    assert starttls_server.sink.received[0].message["Message-ID"] == failed.message_id


def test_a_second_delivery_of_the_same_date_sends_nothing(
    db: Database, plain_server: SmtpServer, tmp_path: Path,
) -> None:
    config = config_from(smtp_env(plain_server, None, db.url, tmp_path))
    assert deliver_digest(config, db, sample_digest()).status == "sent"
    again = deliver(config, db, DAY, never_build)
    assert again.status == "already"
    assert len(plain_server.sink.received) == 1
    assert deliver_digest(config, db, sample_digest(date(2021, 11, 8))).status == "sent"
    assert len(plain_server.sink.received) == 2  # another date is another digest


def test_two_senders_at_once_deliver_one_message(
    db: Database, plain_server: SmtpServer, tmp_path: Path,
) -> None:
    config = config_from(smtp_env(plain_server, None, db.url, tmp_path))
    results: list[DeliveryResult] = []
    start = threading.Barrier(4)

    def send() -> None:
        start.wait()
        results.append(deliver_digest(config, db, sample_digest()))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 4
    assert sorted(r.status for r in results).count("sent") == 1
    assert {r.status for r in results} <= {"sent", "busy", "already"}
    assert len(plain_server.sink.received) == 1


# The crash window: a child process delivers and dies at a chosen step (os._exit: no
# cleanup, no rollback handlers, like a power cut), then a normal delivery recovers.
CRASHING_CHILD = """
import os, sys
from collections.abc import Iterator
from datetime import date
from monitor.digest import delivery
from monitor.settings import load_config
from storage.database import Database
from tests.test_digest_support import sample_digest

step = sys.argv[1]
if step == "after-send":   # the server accepted the message; "sent" was never recorded
    delivery.digest_rows.mark_delivered = lambda *a, **k: os._exit(17)
else:                      # recorded, then died before talking to the server
    delivery.smtp_send = lambda *a, **k: os._exit(17)
db = Database(os.environ["CHORUS_DATABASE_URL"])
delivery.deliver_digest(load_config(), db, sample_digest(date(2021, 11, 7)))
"""


def crash_child(step: str, env: dict[str, str]) -> int:
    done = subprocess.run([sys.executable, "-c", CRASHING_CHILD, step], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, timeout=60)
    return done.returncode


def test_crash_after_the_server_accepted_resends_the_identical_message(
    db: Database, plain_server: SmtpServer, tmp_path: Path,
) -> None:
    env = smtp_env(plain_server, None, db.url, tmp_path)
    assert crash_child("after-send", env) == 17
    (first,) = plain_server.sink.received
    crashed = row(db)
    assert crashed.status == "pending" and crashed.attempts == 1  # sent, not recorded
    result = deliver(config_from(env), db, DAY, never_build)
    assert result.status == "sent" and result.message_id == crashed.message_id
    first_copy, second_copy = plain_server.sink.received
    # The resend is byte-identical: same Message-ID, same Date, same body.
    assert second_copy.data == first_copy.data
    assert second_copy.message["Message-ID"] == first.message["Message-ID"]
    # A mailbox keyed by Message-ID (as mail systems collapse duplicates) holds one digest.
    assert len({m.message["Message-ID"] for m in plain_server.sink.received}) == 1
    assert deliver(config_from(env), db, DAY, never_build).status == "already"
    assert len(plain_server.sink.received) == 2
    assert row(db).status == "sent" and row(db).attempts == 2


def test_crash_after_recording_before_sending_sends_exactly_once(
    db: Database, plain_server: SmtpServer, tmp_path: Path,
) -> None:
    env = smtp_env(plain_server, None, db.url, tmp_path)
    assert crash_child("before-send", env) == 17
    assert plain_server.sink.received == []
    recorded = row(db)
    assert recorded.status == "pending" and recorded.message
    result = deliver(config_from(env), db, DAY, never_build)
    assert result.status == "sent"
    (got,) = plain_server.sink.received
    assert got.message["Message-ID"] == recorded.message_id
    assert recorded.message is not None
    assert got.data.rstrip(b"\r\n") == recorded.message.rstrip(b"\r\n")


def test_without_smtp_the_digest_goes_to_the_outbox_once(db: Database, tmp_path: Path) -> None:
    config = config_from(outbox_env(db.url, tmp_path))
    result = deliver_digest(config, db, sample_digest())
    assert result.status == "written"
    eml = Path(str(result.path))
    html = eml.with_suffix(".html")
    assert eml.name == "chorus-digest-2021-11-07.eml" and eml.parent == tmp_path / "outbox"
    assert eml.read_bytes() == row(db).message
    page = html.read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "cid:" not in page  # opens in a browser
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert row(db).status == "written" and row(db).transport == "outbox"
    assert deliver(config, db, DAY, never_build).status == "already"
    eml.unlink()  # lost file: re-written from the recorded bytes, nobody is mailed twice
    assert deliver(config, db, DAY, never_build).status == "already"
    assert eml.read_bytes() == row(db).message
    leftovers = [p.name for p in eml.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []  # atomic writes leave no temporary files


def test_bad_recipient_setting_is_a_clear_error(db: Database, tmp_path: Path) -> None:
    env = outbox_env(db.url, tmp_path)
    env["CHORUS_DIGEST_RECIPIENTS"] = "analyst@desk.example, evil@x\r\nBcc: all@x"
    with pytest.raises(ValueError, match="digest_recipients"):
        deliver_digest(config_from(env), db, sample_digest())
    with db.connection() as conn:  # refused before anything was recorded or written
        assert digest_rows.get(conn, DAY) is None
    assert not (tmp_path / "outbox").exists()
