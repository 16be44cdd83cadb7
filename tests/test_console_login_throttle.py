"""Login throttling behind a reverse proxy: forwarded headers count only from the proxies
in console_trusted_proxies; failures slow down the (client, user) pair, the client across
user names and, gently, everyone with failures of their own; a stranger never locks a named
analyst out, and every wait ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from monitor.console.sessions import hash_password
from monitor.console.throttle import MAX_DELAY_S, LoginThrottle
from monitor.settings import ConfigError
from storage.console import users as console_users
from storage.database import Database
from tests.console_corpus import client_for, csrf_token
from tests.test_console_cli import served_console

PASSWORD = "correct horse battery staple"
PROXY = ("127.0.0.1", 40000)  # what every client looks like behind a local TLS proxy


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def user(seeded_db: Database) -> str:
    with seeded_db.connection() as conn:
        console_users.add_user(conn, "rana", hash_password(PASSWORD))
    return "rana"


def _behind_proxy(db: Database, tmp_path: Path, clock: Clock, proxies: str = "") -> TestClient:
    app = client_for(db, tmp_path, auth=True, console_trusted_proxies=proxies).app
    app.state.console.login_throttle = LoginThrottle(clock)  # type: ignore[attr-defined]
    return TestClient(app, base_url="http://console.test", follow_redirects=False,
                      client=PROXY)


def _login(client: TestClient, name: str, password: str,
           forwarded_for: str | None = None) -> Any:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    token = csrf_token(client, "/login")
    return client.post("/login", data={"csrf_token": token, "name": name,
                                       "password": password}, headers=headers)


def test_rotating_x_forwarded_for_does_not_escape_the_throttle(
        seeded_db: Database, user: str, tmp_path: Path) -> None:
    client = _behind_proxy(seeded_db, tmp_path, Clock())
    for i in range(5):
        assert _login(client, user, "nope", f"198.51.100.{i}").status_code == 401
    blocked = _login(client, user, PASSWORD, "198.51.100.99")
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1


def test_a_trusted_proxy_names_the_client_and_a_stranger_cannot_lock_rana_out(
        seeded_db: Database, user: str, tmp_path: Path) -> None:
    client = _behind_proxy(seeded_db, tmp_path, Clock(), proxies="127.0.0.1")
    for _ in range(12):
        _login(client, user, "guess", "203.0.113.9")
    assert _login(client, user, "guess", "203.0.113.9").status_code == 429
    ok = _login(client, user, PASSWORD, "198.51.100.7")
    assert ok.status_code == 303
    # The proxy's X-Forwarded-Proto counts too: the cookies are marked Secure.
    other = TestClient(client.app, base_url="http://console.test", follow_redirects=False,
                       client=PROXY)
    token = csrf_token(other, "/login")
    secure = other.post("/login", data={"csrf_token": token, "name": user,
                                         "password": PASSWORD},
                         headers={"X-Forwarded-For": "198.51.100.7",
                                  "X-Forwarded-Proto": "https"})
    assert "secure" in secure.headers["set-cookie"].lower()


def test_spraying_user_names_from_one_client_is_slowed(seeded_db: Database, user: str,
                                                       tmp_path: Path) -> None:
    client = _behind_proxy(seeded_db, tmp_path, Clock(), proxies="127.0.0.1")
    statuses = [_login(client, f"user{i}", "guess", "203.0.113.9").status_code
                for i in range(25)]
    assert statuses[:20] == [401] * 20 and 429 in statuses[20:]
    # Another client is not slowed by that spray.
    assert _login(client, user, PASSWORD, "198.51.100.7").status_code == 303


def test_throttling_is_a_delay_not_a_lockout(seeded_db: Database, user: str,
                                             tmp_path: Path) -> None:
    """With no trusted proxy every client is the proxy: a stranger's failures then delay
    rana's login, for at most a minute after the last failure, and never bar it."""
    clock = Clock()
    client = _behind_proxy(seeded_db, tmp_path, clock)
    for _ in range(12):
        clock.now += 0.5
        _login(client, user, "guess")
    blocked = _login(client, user, PASSWORD)
    assert blocked.status_code == 429
    wait = int(blocked.headers["retry-after"])
    assert 1 <= wait <= MAX_DELAY_S and f"try again in {wait} seconds" in blocked.text
    clock.now += wait
    assert _login(client, user, PASSWORD).status_code == 303


def test_failures_from_many_addresses_slow_only_those_that_failed() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock)
    for i in range(250):
        throttle.failed(f"10.0.{i // 250}.{i % 250}", f"user{i}")
    assert throttle.wait_s("10.0.0.1", "anyone") > 0  # a sprayer with one failure waits
    assert throttle.wait_s("198.51.100.7", "rana") == 0  # a clean client never does
    clock.now += MAX_DELAY_S
    assert throttle.wait_s("10.0.0.1", "anyone") == 0


def test_a_malformed_trusted_proxy_is_refused(seeded_db: Database, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="console_trusted_proxies: 'localhost'"):
        client_for(seeded_db, tmp_path, console_trusted_proxies="10.0.0.0/8, localhost")


@pytest.mark.slow
def test_the_served_console_ignores_forwarded_headers_by_default(seeded_db: Database,
                                                                 tmp_path: Path) -> None:
    """A real `chorus console`: a local client's X-Forwarded-* are not believed (uvicorn's
    own proxy handling, which trusted 127.0.0.1, is off)."""
    with served_console(seeded_db, tmp_path) as base:
        page = httpx.get(f"{base}/login", timeout=10, headers={
            "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    cookie = page.headers["set-cookie"].lower()
    assert "chorus_state=" in cookie and "secure" not in cookie
