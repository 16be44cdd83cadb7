"""/healthz and /metrics off loopback: a bare status for strangers, details and figures only
with a login or (for /metrics) the scraper's bearer token."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from monitor.console.sessions import hash_password
from storage.console import users as console_users
from storage.database import Database
from tests.console_corpus import Corpus, client_for, csrf_token

pytest_plugins = ["tests.console_fixtures"]

PASSWORD = "correct horse battery staple"
TOKEN = "scrape-token-0123456789abcdef"


@pytest.fixture
def remote(seeded_db: Database, corpus: Corpus, tmp_path: Path) -> TestClient:
    """A console bound beyond loopback (login required), with a scrape token."""
    with seeded_db.connection() as conn:
        console_users.add_user(conn, "rana", hash_password(PASSWORD))
    return client_for(seeded_db, tmp_path, auth=True, console_metrics_token=TOKEN)


def _log_in(client: TestClient) -> None:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "name": "rana",
                                           "password": PASSWORD})
    assert response.status_code == 303


def test_healthz_tells_strangers_only_the_status(remote: TestClient) -> None:
    anonymous = remote.get("/healthz")
    assert anonymous.status_code == 200 and anonymous.json() == {"status": "ok"}
    _log_in(remote)
    details = remote.get("/healthz").json()
    assert details["status"] == "ok" and details["database"] is True
    assert "daemon_leader" in details


def test_metrics_need_a_login_or_the_bearer_token(remote: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                    {"Authorization": f"Basic {TOKEN}"}):
        refused = remote.get("/metrics", headers=headers)
        assert refused.status_code == 401, headers
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert "chorus_" not in refused.text and TOKEN not in refused.text
    scraped = remote.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200 and "chorus_database_up 1.0" in scraped.text
    _log_in(remote)
    assert "chorus_database_up 1.0" in remote.get("/metrics").text


def test_without_a_token_only_a_login_opens_metrics(seeded_db: Database, corpus: Corpus,
                                                    tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path, auth=True)
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401


def test_on_loopback_both_stay_open(seeded_db: Database, corpus: Corpus,
                                    tmp_path: Path) -> None:
    local = client_for(seeded_db, tmp_path)
    assert local.get("/healthz").json()["database"] is True
    assert "chorus_database_up 1.0" in local.get("/metrics").text
