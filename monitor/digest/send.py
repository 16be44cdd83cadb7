"""Getting a recorded digest message out: SMTP (STARTTLS, implicit TLS) or the outbox folder."""

from __future__ import annotations

import base64
import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

SECURITY_MODES = ("starttls", "tls", "none")


class DeliveryError(Exception):
    """The message could not be handed over; says where and why, never a credential."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str
    password: str
    timeout_s: float = 30.0
    ca_file: str = ""

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise DeliveryError(
                f"setting smtp_security is {self.security!r}; use one of "
                f"{', '.join(SECURITY_MODES)}")

    def __repr__(self) -> str:
        return f"SmtpSettings({self.host}:{self.port}, {self.security}, user={self.user!r})"

    @property
    def where(self) -> str:
        return f"SMTP server {self.host}:{self.port} ({self.security})"


def _tls_context(ca_file: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_file or None)


def smtp_send(settings: SmtpSettings, message: bytes, sender: str,
              recipients: list[str]) -> dict[str, str]:
    """Send the exact bytes; returns the recipients the server refused (the rest accepted)."""
    if not recipients:
        raise DeliveryError("no digest recipients configured (setting digest_recipients)")
    if settings.user and settings.security == "none":
        raise DeliveryError(
            f"refusing to send SMTP credentials to {settings.where} without encryption; "
            "set smtp_security to starttls or tls")
    try:
        client: smtplib.SMTP
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_s,
                                      context=_tls_context(settings.ca_file))
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
        with client:
            client.ehlo()
            if settings.security == "starttls":
                client.starttls(context=_tls_context(settings.ca_file))
                client.ehlo()
            if settings.user:
                client.login(settings.user, settings.password)
            refused = client.sendmail(sender, recipients, message)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"{settings.where} refused the login of {settings.user!r} ({exc.smtp_code}); "
            "check smtp_user and the smtp_password secret") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(
            f"{settings.where} refused every recipient: {', '.join(exc.recipients)}") from None
    except (smtplib.SMTPException, OSError) as exc:
        reason = str(exc).replace(settings.password, "********") if settings.password else str(exc)
        raise DeliveryError(f"cannot send the digest via {settings.where}: "
                            f"{type(exc).__name__}: {reason}") from None
    return {address: f"{code} {text.decode(errors='replace')}"
            for address, (code, text) in refused.items()}


def _atomic_write(path: Path, data: bytes) -> None:
    """Whole file or nothing: a crash never leaves half a message in the outbox."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def standalone_html(message: bytes) -> str:
    """The message's HTML with its inline images turned into data: URIs, for a browser."""
    parsed = message_from_bytes(message, policy=policy.default)
    html_part = parsed.get_body(preferencelist=("html",)) if isinstance(
        parsed, EmailMessage) else None
    if html_part is None:
        raise DeliveryError("the recorded digest has no HTML part")
    html = str(html_part.get_content())
    for part in parsed.walk():
        cid = part.get("Content-ID")
        if cid and part.get_content_maintype() == "image":
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            data = base64.b64encode(payload).decode("ascii")
            html = html.replace(f"cid:{cid.strip('<>')}",
                                f"data:{part.get_content_type()};base64,{data}")
    return html


def write_outbox(folder: Path, stem: str, message: bytes) -> Path:
    """Write `<stem>.eml` and an `<stem>.html` copy; returns the .eml path."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        eml = folder / f"{stem}.eml"
        _atomic_write(eml, message)
        _atomic_write(folder / f"{stem}.html", standalone_html(message).encode("utf-8"))
    except OSError as exc:
        raise DeliveryError(f"cannot write the digest to the outbox {folder}: "
                            f"{exc.strerror or exc}") from None
    return eml
