"""The console's alerts page over HTTP: rules, incidents and deliveries listed; adding and
removing a rule through forms with CSRF; hostile input refused with the reason or shown
escaped, never rendered; webhook URLs never shown."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from monitor.alerts.cycle import evaluate_rules
from monitor.alerts.manage import create_rule, list_rules
from storage.database import Database
from tests.alert_support import HOOK, NOW, alert_config
from tests.console_corpus import client_for, csrf_token
from tests.factories import add_source, post, write

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\u202e'


@pytest.fixture
def client(db: Database, tmp_path: Path) -> TestClient:
    return client_for(db, tmp_path)


def _add(client: TestClient, **fields: str) -> tuple[int, str]:
    data = {"csrf_token": csrf_token(client, "/alerts"), "name": "desk-rule", "kind": "search",
            "params": "query=الحشد", "channels": "webhook:desk=https://desk-hooks.test/x?key=k1",
            "quiet": "", "timezone": "UTC", "max_per_hour": "12", **fields}
    answer = client.post("/alerts", data=data)
    return answer.status_code, answer.text


def test_add_list_and_remove_a_rule(db: Database, client: TestClient) -> None:
    assert _add(client, params="query=الحشد\nplatform=telegram")[0] == 303
    [rule] = list_rules(db)
    assert (rule.name, rule.params) == ("desk-rule", {"query": "الحشد", "platform": "telegram"})
    page = client.get("/alerts").text
    assert "desk-rule" in page and "webhook:desk" in page
    assert "desk-hooks.test" not in page and "key=k1" not in page  # the URL is never shown
    token = csrf_token(client, "/alerts")
    assert client.post("/alerts/rules/desk-rule/delete",
                       data={"csrf_token": token}).status_code == 303
    assert list_rules(db) == []
    assert client.post("/alerts/rules/desk-rule/delete",
                       data={"csrf_token": token}).status_code == 400  # none left: said so


def test_forms_without_csrf_are_refused(db: Database, client: TestClient) -> None:
    answer = client.post("/alerts", data={"name": "x", "kind": "search", "params": "query=a",
                                          "channels": "email:a@example.org"})
    assert answer.status_code == 403
    create_rule(db, "kept", "search", {"query": "a"}, HOOK)
    assert client.post("/alerts/rules/kept/delete", data={}).status_code == 403
    assert [r.name for r in list_rules(db)] == ["kept"]


@pytest.mark.parametrize(("fields", "reason"), [
    ({"name": HOSTILE}, "rule name"),
    ({"kind": HOSTILE}, "kind: choose one of"),
    ({"params": HOSTILE}, "parameter"),
    ({"params": "no equals sign"}, "use NAME=VALUE"),
    ({"params": "qeury=" + HOSTILE}, "unknown parameter"),
    ({"channels": "webhook:desk=javascript:alert(1)"}, "the URL must be http(s)"),
    ({"channels": HOSTILE}, "channel"),
    ({"quiet": HOSTILE}, "quiet hours"),
    ({"timezone": HOSTILE}, "time zone"),
    ({"max_per_hour": "-1"}, "a whole number"),
    ({"params": "query=" + "x" * 3000}, "at most 2000 characters"),
])
def test_hostile_or_bad_input_is_refused_with_the_reason_and_escaped(
        db: Database, client: TestClient, fields: dict[str, str], reason: str) -> None:
    status, page = _add(client, **fields)
    assert status == 400 and reason in page
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert list_rules(db) == []


def test_incident_text_from_posts_and_queries_is_escaped(db: Database, client: TestClient,
                                                         tmp_path: Path) -> None:
    add_source(db, "telegram", "hostile", "Hostile", "militia_media")
    assert _add(client, name="hostile", params="query=alert")[0] == 303
    create_rule(db, "shown-params", "search", {"query": "<b>bold</b>"}, HOOK)
    write(db, post("hostile", "1", NOW.isoformat(), HOSTILE + " alert الحشد"))
    evaluate_rules(alert_config(db.url, tmp_path), db, NOW, settle=timedelta(0))
    page = client.get("/alerts").text
    assert "1 new post(s) match" in page and "pending" in page
    assert "<script>" not in page and "<img" not in page and "<b>bold" not in page
    assert "query=&lt;b&gt;bold&lt;/b&gt;" in page
    assert client.get("/alerts?status=pending").text.count('class="delivery-row') == 1
    assert client.get("/alerts?status=sent").text.count('class="delivery-row') == 0
    assert client.get("/alerts?status=" + HOSTILE).status_code == 400
