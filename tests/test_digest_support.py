"""Shared pieces of the digest tests: a real SMTP server on loopback (aiosmtpd), TLS files,
and a digest made of hostile post texts. No tests here; test modules wrap these in fixtures."""

from __future__ import annotations

import contextlib
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from monitor.digest.charts import adopters_chart
from monitor.digest.model import (
    CandidateEvent,
    ConvergingNarrative,
    CopyCluster,
    Digest,
    ExamplePost,
    PrepositionFlag,
    SourceLine,
)
from monitor.settings import Config, load_config
from tests.secrets_support import empty_secrets_file

SMTP_USER = "chorus-mailer"
SMTP_PASSWORD = "s3cret-smtp-password-value"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'
ARABIC = "هذا مشروع فتنة تقف خلفه السفارة الأمريكية"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    login: str | None

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Sink:
    """An aiosmtpd handler that keeps every message it accepts."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.auth_data.login.decode() if session.authenticated else None
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      bytes(envelope.original_content), login))
        return "250 OK queued"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == SMTP_USER.encode()
          and auth_data.password == SMTP_PASSWORD.encode())
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_tls_files(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True)
    return cert, key


def server_context(tls_files: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(tls_files[0]), str(tls_files[1]))
    return context


@dataclass
class SmtpServer:
    sink: Sink
    port: int
    security: str


@contextlib.contextmanager
def smtp_server(security: str, tls_files: tuple[Path, Path] | None = None
                ) -> Iterator[SmtpServer]:
    """A real SMTP server on loopback: "starttls" (required, then AUTH), "tls" (implicit
    TLS, AUTH) or "none" (plain, no AUTH)."""
    sink, port = Sink(), free_port()
    options: dict[str, Any] = {}
    if security == "starttls" and tls_files:
        options = {"tls_context": server_context(tls_files), "require_starttls": True,
                   "authenticator": authenticate, "auth_require_tls": True,
                   "auth_required": True}
    elif security == "tls" and tls_files:
        # aiosmtpd does not see implicit TLS as TLS; the socket is encrypted all the same.
        options = {"ssl_context": server_context(tls_files), "authenticator": authenticate,
                   "auth_require_tls": False}
    controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield SmtpServer(sink, port, security)
    finally:
        controller.stop()


def smtp_env(server: SmtpServer, tls_files: tuple[Path, Path] | None, db_url: str,
             tmp_path: Path, *, user: str = SMTP_USER,
             password: str = SMTP_PASSWORD) -> dict[str, str]:
    """The environment a process needs to deliver through `server` (config + secret)."""
    env = {
        "CHORUS_DATABASE_URL": db_url,
        "CHORUS_SMTP_HOST": "127.0.0.1",
        "CHORUS_SMTP_PORT": str(server.port),
        "CHORUS_SMTP_SECURITY": server.security,
        "CHORUS_SMTP_USER": user if server.security != "none" else "",
        "CHORUS_SMTP_PASSWORD": password,
        "CHORUS_SMTP_TIMEOUT_S": "10",
        "CHORUS_DIGEST_FROM": "chorus@monitor.example",
        "CHORUS_DIGEST_RECIPIENTS": "analyst@desk.example, lead@desk.example",
        "CHORUS_OUTBOX_DIR": str(tmp_path / "outbox"),
        "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
        "CHORUS_CONSOLE_URL": "https://chorus.example",
    }
    if tls_files is not None:
        env["CHORUS_SMTP_CA_FILE"] = str(tls_files[0])
    return env


def outbox_env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "CHORUS_DATABASE_URL": db_url,
        "CHORUS_OUTBOX_DIR": str(tmp_path / "outbox"),
        "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
        "CHORUS_DIGEST_RECIPIENTS": "analyst@desk.example",
    }


def config_from(env: dict[str, str]) -> Config:
    return load_config(env)


def sample_digest(day: date = date(2021, 11, 7)) -> Digest:
    """A digest whose every text field carries hostile or right-to-left content."""
    since = datetime(day.year, day.month, day.day, tzinfo=UTC)
    hostile = ExamplePost(actor="Tura News", group="militia_media", platform="telegram",
                          posted_at=since + timedelta(hours=2), lang="en", text=HOSTILE,
                          url="javascript:alert(3)")
    arabic = ExamplePost(actor="Sabereen News", group="militia_media", platform="telegram",
                         posted_at=since + timedelta(hours=3), lang="ar", text=ARABIC,
                         url="https://t.me/sabreenS1/101")
    days = [day - timedelta(days=13 - i) for i in range(14)]
    chart = adopters_chart({"sedition": {day: 3, days[-2]: 1}, "false_flag": {day: 2}}, days,
                           cid="adopters.2021-11-07@chorus")
    return Digest(
        digest_date=day, timezone="UTC", since=since, until=since + timedelta(days=1),
        generated_at=since + timedelta(days=1, hours=7), console_url="https://chorus.example",
        converging=[ConvergingNarrative(
            key="sedition", name="Sedition <b>project</b>", adopters=3,
            groups=["militia_media", "iran_official"], first_mover="Tura News",
            first_move_at=since + timedelta(hours=2), time_to_k_hours=4.5, k=3, score=0.61,
            anchor="Drone attack on the PM's residence", examples=[hostile, arabic])],
        prepositioned=[PrepositionFlag(narrative="false_flag", event="Drone attack",
                                       actor="Qais al-Khazali", hours_before=40.0,
                                       edited_after_event=False, post=arabic)],
        copies=[CopyCluster(narrative="sedition", actors=["Tura News", "Sabereen News"],
                            posts=[hostile, arabic])],
        candidates=[CandidateEvent(name="Spike in sedition <i>posts</i>",
                                   at=since + timedelta(hours=1),
                                   description="five actors in two hours",
                                   narratives=["sedition"])],
        sources=[
            SourceLine("twitter", "alishamkhani_ir", "Ali Shamkhani", "blind", "rate_limited",
                       since - timedelta(hours=30), "429 <Too Many Requests>", 0),
            SourceLine("telegram", "Tura313", "Tura News", "ok", "", since, None, 4),
            SourceLine("telegram", "quietchannel", "Quiet One", "quiet", "", since, None, 0),
        ],
        charts=[chart], posts_in_period=42,
    )
