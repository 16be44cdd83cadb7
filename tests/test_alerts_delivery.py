"""Alert delivery against real receivers: an HTTP server on loopback (payload, signature,
retries after a 500 and a timeout, no duplicate after a crash between send and record) and
aiosmtpd for email; quiet hours and the hourly cap on a controlled clock."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from monitor.alerts.cycle import evaluate_rules
from monitor.alerts.deliver import send_due
from monitor.alerts.manage import create_rule, send_test
from monitor.settings import Config
from storage.alerts import store as rows
from storage.database import Database
from storage.rows import JsonObject
from tests.alert_support import (
    WEBHOOK_SECRET,
    Receiver,
    alert_config,
    no_sleep,
    webhook_server,
)
from tests.factories import add_source, at, post, write
from tests.test_digest_support import HOSTILE, smtp_server

NOW = at("2021-11-07T12:00:00Z")
SETTLED = timedelta(0)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_server() as found:
        yield found


@pytest.fixture
def config(db: Database, tmp_path: Path) -> Config:
    return alert_config(db.url, tmp_path)


def hook(receiver: Receiver, fmt: str = "generic") -> list[JsonObject]:
    return [{"type": "webhook", "name": "desk", "url": receiver.url, "format": fmt}]


def _match_one(db: Database, config: Config, channels: list[JsonObject], *,
               text: str = "بيان الحشد الشعبي " + HOSTILE, quiet: str | None = None,
               cap: int = 12, native: str = "1", now: datetime = NOW) -> None:
    if native == "1":
        add_source(db, "telegram", "sabereen", "Sabereen", "militia_media")
        create_rule(db, "hashd", "search", {"query": "الحشد"}, channels, quiet=quiet,
                    max_per_hour=cap)
    write(db, post("sabereen", native, "2021-11-07T02:00:00Z", text))
    evaluate_rules(config, db, now, settle=SETTLED)


def _deliveries(db: Database) -> list[rows.Delivery]:
    with db.connection() as conn:
        rule = rows.rule_by_name(conn, "hashd")
        assert rule is not None
        return rows.deliveries_of(conn, rule.id)


def test_a_signed_generic_payload_survives_hostile_text(
        db: Database, config: Config, receiver: Receiver) -> None:
    _match_one(db, config, hook(receiver))
    assert send_due(config, db, NOW, sleep=no_sleep).sent == 1
    [hit] = receiver.hits
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), hit.body, hashlib.sha256).hexdigest()
    assert hit.headers["x-chorus-signature"] == expected
    assert hit.headers["content-type"].startswith("application/json")
    body = json.loads(hit.body)
    assert body["schema"] == "chorus.alert/1" and body["rule"]["name"] == "hashd"
    assert body["incident"] == {**body["incident"], "key": "search:2021-11-07", "version": 1}
    assert HOSTILE in body["detail"]["posts"][0]["text"]  # the text, as data
    assert hit.headers["x-chorus-delivery"] == _deliveries(db)[0].idempotency_key
    assert send_due(config, db, NOW, sleep=no_sleep).sent == 0  # sent once
    assert len(receiver.hits) == 1


def test_a_slack_payload_is_one_escaped_text(
        db: Database, config: Config, receiver: Receiver) -> None:
    _match_one(db, config, hook(receiver, "slack"))
    send_due(config, db, NOW, sleep=no_sleep)
    [hit] = receiver.hits
    body = json.loads(hit.body)
    assert list(body) == ["text"]
    assert "<script>" not in body["text"] and "&lt;script&gt;" in body["text"]
    assert "الحشد" in body["text"]


def test_retried_after_a_500_and_after_a_timeout(
        db: Database, config: Config, receiver: Receiver) -> None:
    receiver.fail, receiver.stall = 1, 1
    _match_one(db, config, hook(receiver))
    assert send_due(config, db, NOW, sleep=no_sleep).sent == 1
    [hit] = receiver.hits  # the stalled and the failed try were not accepted
    [delivery] = _deliveries(db)
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_a_receiver_that_keeps_failing_leaves_the_delivery_failed_and_retried_later(
        db: Database, config: Config, receiver: Receiver) -> None:
    receiver.fail = 3
    _match_one(db, config, hook(receiver))
    outcome = send_due(config, db, NOW, sleep=no_sleep)
    assert (outcome.sent, outcome.failed) == (0, 1)
    assert receiver.url not in outcome.errors[0] and "HTTP 500" in outcome.errors[0]
    [delivery] = _deliveries(db)
    assert delivery.status == "failed" and delivery.not_before > NOW
    assert send_due(config, db, NOW, sleep=no_sleep).sent == 0  # not before its backoff
    assert send_due(config, db, NOW + timedelta(minutes=2), sleep=no_sleep).sent == 1
    assert len(receiver.unique) == 1


def test_a_crash_between_send_and_record_resends_the_same_bytes_and_key(
        db: Database, config: Config, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _match_one(db, config, hook(receiver))

    def crash(*_: object) -> None:
        raise KeyboardInterrupt  # the process dies after the POST, before 'sent' commits

    with monkeypatch.context() as patch:
        patch.setattr(rows, "mark_sent", crash)
        with pytest.raises(KeyboardInterrupt):
            send_due(config, db, NOW, sleep=no_sleep)
    [delivery] = _deliveries(db)
    assert delivery.status == "sending"  # outcome unknown: recorded as such
    assert send_due(config, db, NOW, sleep=no_sleep).sent == 1  # the next run
    first, second = receiver.hits
    assert first.body == second.body
    assert first.headers["x-chorus-delivery"] == second.headers["x-chorus-delivery"]
    assert len(receiver.unique) == 1  # a receiver that dedupes keeps one
    assert send_due(config, db, NOW, sleep=no_sleep).sent == 0
    assert len(receiver.hits) == 2


def test_quiet_hours_hold_deliveries_until_they_end(
        db: Database, config: Config, receiver: Receiver) -> None:
    night = at("2021-11-07T23:00:00Z")
    _match_one(db, config, hook(receiver), quiet="22:00-06:30", now=night)
    [delivery] = _deliveries(db)
    assert delivery.not_before == at("2021-11-08T06:30:00Z")
    assert send_due(config, db, night + timedelta(hours=3), sleep=no_sleep).sent == 0
    assert receiver.hits == []
    assert send_due(config, db, at("2021-11-08T06:31:00Z"), sleep=no_sleep).sent == 1


def test_the_hourly_cap_holds_the_rest_back(
        db: Database, config: Config, receiver: Receiver) -> None:
    _match_one(db, config, hook(receiver), cap=1)
    assert send_due(config, db, NOW, sleep=no_sleep).sent == 1
    _match_one(db, config, hook(receiver), cap=1, native="2",
               now=NOW + timedelta(minutes=5))
    held = send_due(config, db, NOW + timedelta(minutes=5), sleep=no_sleep)
    assert (held.sent, held.held) == (0, 1)
    assert send_due(config, db, NOW + timedelta(minutes=61), sleep=no_sleep).sent == 1
    assert [json.loads(h.body)["incident"]["version"] for h in receiver.hits] == [1, 2]


def test_email_alerts_through_the_digest_smtp_settings(
        db: Database, tmp_path: Path) -> None:
    with smtp_server("none") as server:
        config = alert_config(db.url, tmp_path, CHORUS_SMTP_HOST="127.0.0.1",
                              CHORUS_SMTP_PORT=str(server.port), CHORUS_SMTP_SECURITY="none",
                              CHORUS_DIGEST_FROM="chorus@monitor.example")
        _match_one(db, config, [{"type": "email", "to": ["desk@example.org"]}],
                   text="الحشد\r\nSubject: injected " + HOSTILE)
        assert send_due(config, db, NOW, sleep=no_sleep).sent == 1
        [mail] = server.sink.received
    message = mail.message
    assert mail.rcpt_tos == ["desk@example.org"]
    assert message["Subject"].startswith("[Chorus alert] hashd: 1 new post(s)")
    assert message["Subject"].count("injected") == 0
    assert message.get_content_type() == "text/plain"
    assert HOSTILE in message.get_content()


def test_alerts_test_sends_a_sample_without_recording_it(
        db: Database, config: Config, receiver: Receiver) -> None:
    create_rule(db, "hashd", "search", {"query": "x"}, hook(receiver))
    assert send_test(config, db, "hashd", sleep=no_sleep) == {"webhook:desk": "sent"}
    assert json.loads(receiver.hits[0].body)["detail"] == {"test": True}
    assert _deliveries(db) == []


def test_a_webhook_without_its_secret_is_not_sent(
        db: Database, tmp_path: Path, receiver: Receiver) -> None:
    config = alert_config(db.url, tmp_path, CHORUS_WEBHOOK_SECRET_DESK="")
    _match_one(db, config, hook(receiver))
    outcome = send_due(config, db, NOW, sleep=no_sleep)
    assert outcome.failed == 1 and "webhook_secret_desk" in outcome.errors[0]
    assert receiver.hits == []
