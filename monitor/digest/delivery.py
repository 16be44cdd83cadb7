"""Exactly one digest per date: record, then send, under a per-date lock.

The protocol, in order:

1. Lock. Take the per-date advisory lock on a dedicated connection, without waiting. If
   another process holds it, it is delivering this date right now: report "busy" and stop.
2. Look. If the date's row says "sent" or "written", it is done: report "already".
3. Record. With no row yet, render the message once, with a new Message-ID, and commit it
   (the exact bytes) before anything leaves. With a row, use its bytes: never re-render, so
   every attempt for a date is byte-identical and carries the same Message-ID.
4. Send. Count the attempt (committed), then hand the bytes to SMTP or the outbox.
5. Mark. Commit "sent" / "written".

The crash windows:

- before 3 commits: nothing recorded, nothing sent; the next run starts afresh.
- after 3, before the server accepted: recorded, not sent; the next run sends it, once.
- after the server accepted, before 5 commits (one UPDATE long): the next run cannot know
  whether the message left, so it resends the identical bytes with the same Message-ID.
  Mail systems treat one Message-ID as one message (RFC 5322 section 3.6.4) and collapse
  the copy, so each recipient keeps one digest. Losing a digest is worse than a duplicate
  that carries the same identity, which is why it is record-then-send and not the reverse.
- two daemons, or a daemon and `chorus digest --send`: the lock serialises them and the
  second finds "sent". If the first loses its database connection mid-send, the lock goes
  with it and a second sender may resend: again the same bytes and Message-ID.

Outbox delivery is idempotent by itself: the same bytes replace the same file atomically.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from monitor.daemon.leader import identity
from monitor.digest.mime import build_message, new_message_id, parse_recipients
from monitor.digest.model import Digest
from monitor.digest.send import DeliveryError, SmtpSettings, smtp_send, write_outbox
from monitor.settings import Config
from storage import digests as digest_rows
from storage.database import Database

log = logging.getLogger("chorus.digest")


@dataclass(frozen=True)
class DeliveryResult:
    digest_date: date
    status: str  # sent | written | already | busy
    message_id: str | None = None
    path: str | None = None
    attempts: int = 0
    refused: dict[str, str] = field(default_factory=dict)


def outbox_folder(config: Config) -> Path:
    return Path(config.outbox_dir or "outbox").expanduser()


def outbox_stem(day: date) -> str:
    return f"chorus-digest-{day.isoformat()}"


def smtp_settings(config: Config) -> SmtpSettings | None:
    """SMTP from the config and secrets; None when no server is configured (outbox mode)."""
    host = config.smtp_host.strip()
    if not host:
        return None
    return SmtpSettings(
        host=host, port=config.smtp_port, security=config.smtp_security.lower(),
        user=config.smtp_user, password=config.secret("smtp_password"),
        timeout_s=config.smtp_timeout_s, ca_file=config.smtp_ca_file,
    )


def _record_message(config: Config, db: Database, day: date, make_digest: Callable[[], Digest],
                    transport: str) -> digest_rows.DigestRecord:
    digest = make_digest()
    if digest.digest_date != day:
        raise ValueError(f"digest for {digest.digest_date} offered for {day}")
    sender = config.digest_from
    recipients = parse_recipients(config.digest_recipients)
    message_id = new_message_id(digest, sender)
    message = build_message(digest, sender=sender, recipients=recipients, message_id=message_id)
    with db.connection() as conn:
        return digest_rows.record(conn, day, message_id=message_id, message=message.as_bytes(),
                                  transport=transport, recipients=recipients)


def _recorded_bytes(row: digest_rows.DigestRecord) -> bytes:
    if row.message is None:
        raise DeliveryError(f"the digest row for {row.digest_date} holds no message")
    return row.message


def _hand_over(config: Config, smtp: SmtpSettings | None,
               row: digest_rows.DigestRecord) -> tuple[str, str | None, dict[str, str]]:
    message = _recorded_bytes(row)
    if smtp is None:
        path = write_outbox(outbox_folder(config), outbox_stem(row.digest_date), message)
        return "written", str(path), {}
    refused = smtp_send(smtp, message, config.digest_from, row.recipients)
    return "sent", None, refused


def deliver(config: Config, db: Database, day: date,
            make_digest: Callable[[], Digest]) -> DeliveryResult:
    """Deliver the digest for `day` exactly once; `make_digest` runs only if none is recorded."""
    smtp = smtp_settings(config)
    transport = "outbox" if smtp is None else "smtp"
    with digest_rows.delivery_lock(db, day, identity()) as locked:
        if not locked:
            log.info("digest %s: another process is delivering it", day)
            return DeliveryResult(day, "busy")
        with db.connection() as conn:
            row = digest_rows.get(conn, day)
        if row is not None and row.delivered:
            if row.transport == "outbox" and row.path and not Path(row.path).exists():
                write_outbox(Path(row.path).parent, outbox_stem(day), _recorded_bytes(row))
            return DeliveryResult(day, "already", row.message_id, row.path, row.attempts)
        if row is None or row.message is None:
            row = _record_message(config, db, day, make_digest, transport)
        elif row.attempts:
            log.warning("digest %s: resending recorded message %s after %d unconfirmed "
                        "attempt(s)", day, row.message_id, row.attempts)
        with db.connection() as conn:
            digest_rows.note_attempt(conn, day)
        try:
            status, path, refused = _hand_over(config, smtp, row)
        except DeliveryError as exc:
            with db.connection() as conn:
                digest_rows.mark_failed(conn, day, str(exc))
            raise
        with db.connection() as conn:
            digest_rows.mark_delivered(conn, day, status=status, path=path,
                                       detail={"refused": refused} if refused else None)
    log.info("digest %s %s (%s)", day, status, row.message_id)
    return DeliveryResult(day, status, row.message_id, path, row.attempts + 1, refused)


def deliver_digest(config: Config, db: Database, digest: Digest) -> DeliveryResult:
    """Deliver an already built digest exactly once (the recorded message wins if any)."""
    return deliver(config, db, digest.digest_date, lambda: digest)


def write_preview(config: Config, digest: Digest) -> tuple[Path, Path]:
    """`--dry-run`: the message as it would be sent, in the outbox; nothing is recorded."""
    sender = config.digest_from
    message = build_message(digest, sender=sender,
                            recipients=parse_recipients(config.digest_recipients),
                            message_id=new_message_id(digest, sender))
    eml = write_outbox(outbox_folder(config), outbox_stem(digest.digest_date) + ".preview",
                       message.as_bytes())
    return eml, eml.with_suffix(".html")
