"""Console security: headers and CSP, escaping, CSRF on every state-changing request, login
with hashed passwords and session cookies, `chorus console adduser`."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from monitor.cli import cli
from monitor.console import needs_login
from monitor.console.security import CONTENT_SECURITY_POLICY
from monitor.console.sessions import hash_password, verify_password
from storage.console import users as console_users
from storage.database import Database
from tests.console_corpus import XSS_TEXT, Corpus, client_for, csrf_token
from tests.secrets_support import shared_empty_secrets_file

pytest_plugins = ["tests.console_fixtures"]

PAGES = ("/", "/search?q=flag", "/narratives", "/narratives/false_flag", "/events",
         "/sources", "/sql", "/search?platform=bad")
PASSWORD = "correct horse battery staple"
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 - the bind these tests must refuse without login


@pytest.fixture
def user(seeded_db: Database) -> str:
    with seeded_db.connection() as conn:
        console_users.add_user(conn, "rana", hash_password(PASSWORD))
    return "rana"


def _label_count(db: Database) -> int:
    with db.connection() as conn:
        row = conn.execute("SELECT count(*) AS n FROM labels").fetchone()
    return int(row["n"]) if row else 0


def _set_cookie_headers(response: object) -> dict[str, str]:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return {h.split("=", 1)[0]: h for h in headers}


def test_every_page_has_a_strict_csp_and_no_inline_code(client: TestClient,
                                                        corpus: Corpus) -> None:
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    for url in (*PAGES, f"/posts/{corpus.xss}", f"/posts/{corpus.edited}", "/nowhere"):
        response = client.get(url)
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"
        html = response.text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), f"inline script on {url}"
        assert not re.search(r"<style", html), f"style element on {url}"
        # Attributes inside real tags (post text is escaped, so its "<" is "&lt;").
        assert not re.search(r"<[a-zA-Z][^>]*\sstyle\s*=", html), f"style attribute on {url}"
        assert not re.search(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", html), f"handler on {url}"
        assert not re.search(r"(src|href)=\"(https?:)?//(?!t\.me|x\.com)", html), url
    static = client.get("/static/htmx.min.js")
    assert static.status_code == 200 and "cache-control" not in static.headers
    assert static.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_post_text_is_escaped_everywhere(client: TestClient, corpus: Corpus) -> None:
    for url in (f"/posts/{corpus.xss}", "/search?q=breaking", "/narratives/sedition"):
        page = client.get(url).text
        assert XSS_TEXT not in page
        assert "<img src=x" not in page and "<script>window" not in page
        assert "onerror=&#34;window.__xss = 2" in page, url


def _post_routes(corpus: Corpus) -> list[tuple[str, dict[str, str]]]:
    return [
        (f"/posts/{corpus.arabic}/labels", {"narrative": "false_flag", "verdict": "reject"}),
        ("/events", {"name": "Forged event", "at": "2021-11-08T00:00Z"}),
        ("/sources", {"platform": "telegram", "handle": "forged", "role": "observer"}),
        ("/sql", {"sql": "SELECT 1", "action": "save", "name": "forged"}),
        ("/analyst", {"analyst": "forger"}),
        ("/logout", {}),
        ("/events/1/decision", {"decision": "dismiss"}),
        ("/sql/saved/1/delete", {}),
    ]


def test_every_state_changing_request_needs_the_csrf_token(
        seeded_db: Database, client: TestClient, corpus: Corpus) -> None:
    token = csrf_token(client)
    labels = _label_count(seeded_db)
    for url, data in _post_routes(corpus):
        missing = client.post(url, data=data)
        assert missing.status_code == 403, url
        assert "security token" in missing.text
        # Differs from the real token in its first character ("x" + token[1:]
        # equalled it whenever the token began with "x": a 1-in-64 flake).
        forged = ("y" if token.startswith("x") else "x") + token[1:]
        wrong = client.post(url, data={**data, "csrf_token": forged})
        assert wrong.status_code == 403, url
        foreign = client.post(url, data={**data, "csrf_token": token},
                              headers={"Origin": "https://evil.example"})
        assert foreign.status_code == 403, url
        cross = client.post(url, data={**data, "csrf_token": token},
                            headers={"Sec-Fetch-Site": "cross-site"})
        assert cross.status_code == 403, url
    assert _label_count(seeded_db) == labels
    page = client.get("/sources").text + client.get("/events").text
    assert "forged" not in page and "Forged event" not in page
    # A token from another browser (another signed state cookie) does not fit either.
    other = TestClient(client.app, base_url="http://console.test", follow_redirects=False)
    stolen = csrf_token(other)
    assert client.post(f"/posts/{corpus.arabic}/labels", data={
        "csrf_token": stolen, "narrative": "false_flag", "verdict": "reject"}).status_code == 403


def test_the_token_also_works_as_a_header(seeded_db: Database, client: TestClient,
                                          corpus: Corpus) -> None:
    token = csrf_token(client)
    response = client.post(f"/posts/{corpus.arabic}/labels",
                           data={"narrative": "third_party", "verdict": "confirm"},
                           headers={"X-CSRF-Token": token,
                                    "Origin": "http://console.test"})
    assert response.status_code == 303
    assert _label_count(seeded_db) == 1


def test_a_tampered_state_cookie_is_replaced(client: TestClient) -> None:
    client.get("/")
    client.cookies.set("chorus_state", "forged.value.sig", domain="console.test")
    response = client.get("/")
    assert "chorus_state" in _set_cookie_headers(response)


def test_only_loopback_binds_go_without_login() -> None:
    assert not needs_login("127.0.0.1") and not needs_login("localhost")
    assert not needs_login("::1")
    assert needs_login(EVERY_INTERFACE) and needs_login("192.168.1.20") and needs_login("::")
    # Behind a reverse proxy the loopback peer is the proxy, serving whoever reaches it.
    assert needs_login("127.0.0.1", "127.0.0.1") and not needs_login("127.0.0.1", " ")


def test_login_is_required_off_loopback(seeded_db: Database, corpus: Corpus, user: str,
                                        tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path, auth=True)
    for url in (*PAGES, f"/posts/{corpus.arabic}", "/search.csv", "/search.json"):
        response = client.get(url)
        assert response.status_code == 303, url
        assert response.headers["location"].startswith("/login?next=")
    assert client.get("/healthz").status_code == 200
    assert client.post("/sql", data={"sql": "SELECT 1"}).status_code in (303, 403)
    page = client.get("/login").text
    assert 'name="password" type="password"' in page


def test_login_logout_and_cookie_flags(seeded_db: Database, corpus: Corpus, user: str,
                                       tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path, auth=True)
    token = csrf_token(client, "/login")
    wrong = client.post("/login", data={"csrf_token": token, "name": user,
                                        "password": "not the password", "next": "/sources"})
    assert wrong.status_code == 401 and "wrong user name or password" in wrong.text
    nobody = client.post("/login", data={"csrf_token": token, "name": "nobody",
                                         "password": PASSWORD})
    assert nobody.status_code == 401
    ok = client.post("/login", data={"csrf_token": token, "name": user, "password": PASSWORD,
                                     "next": "/sources"})
    assert ok.status_code == 303 and ok.headers["location"] == "/sources"
    cookies = _set_cookie_headers(ok)
    session_cookie = cookies["chorus_session"].lower()
    assert "httponly" in session_cookie and "samesite=lax" in session_cookie
    assert "secure" not in session_cookie  # plain HTTP: no TLS in front
    value = SimpleCookie(cookies["chorus_session"])["chorus_session"].value
    with seeded_db.connection() as conn:
        stored = conn.execute("SELECT token_hash FROM console_sessions").fetchall()
    assert len(stored) == 1 and value.encode() not in bytes(stored[0]["token_hash"])
    page = client.get("/sources")
    assert page.status_code == 200 and 'id="analyst-name">rana<' in page.text
    # Labels carry the logged-in user's name.
    token = csrf_token(client, f"/posts/{corpus.weak}")
    client.post(f"/posts/{corpus.weak}/labels",
                data={"csrf_token": token, "narrative": "false_flag", "verdict": "confirm"})
    with seeded_db.connection() as conn:
        row = conn.execute("SELECT analyst FROM labels").fetchone()
    assert row is not None and row["analyst"] == "rana"
    assert client.post("/analyst", data={"csrf_token": token,
                                         "analyst": "someone"}).status_code == 403
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/sources").status_code == 303
    # The old cookie is dead on the server, not only forgotten by this browser.
    client.cookies.set("chorus_session", value, domain="console.test")
    assert client.get("/sources").status_code == 303


def test_cookies_are_secure_behind_tls(seeded_db: Database, corpus: Corpus, user: str,
                                       tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path, auth=True, https=True)
    token = csrf_token(client, "/login")
    ok = client.post("/login", data={"csrf_token": token, "name": user, "password": PASSWORD})
    cookies = _set_cookie_headers(ok)
    assert "secure" in cookies["chorus_session"].lower()
    assert "secure" in cookies["chorus_state"].lower()


def test_repeated_failed_logins_are_throttled(seeded_db: Database, corpus: Corpus, user: str,
                                              tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path, auth=True)
    token = csrf_token(client, "/login")
    for _ in range(5):
        client.post("/login", data={"csrf_token": token, "name": "RANA", "password": "nope"})
    blocked = client.post("/login", data={"csrf_token": token, "name": user,
                                          "password": PASSWORD})
    assert blocked.status_code == 429


def test_login_needs_its_csrf_token(seeded_db: Database, corpus: Corpus, user: str,
                                    tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path, auth=True)
    response = client.post("/login", data={"name": user, "password": PASSWORD})
    assert response.status_code == 403


def test_passwords_are_argon2_hashes() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert verify_password(hashed, PASSWORD) and not verify_password(hashed, PASSWORD + "x")
    assert not verify_password("not a hash", PASSWORD)
    with pytest.raises(ValueError, match="at least 10"):
        hash_password("short")


def test_secrets_never_reach_a_page(seeded_db: Database, corpus: Corpus,
                                    tmp_path: Path) -> None:
    secret, reader_password = "cookie-signing-key-0123456789", "reader-pass-9876543210"
    client = client_for(seeded_db, tmp_path, console_secret=secret,
                        sql_reader_password=reader_password)
    for url in (*PAGES, "/nowhere", "/metrics", "/healthz"):
        text = client.get(url).text
        assert secret not in text and reader_password not in text, url
    token = csrf_token(client, "/sql")
    text = client.post("/sql", data={"csrf_token": token, "sql": "SELECT pg_sleep(0)"}).text
    assert reader_password not in text


def _cli(db: Database, args: list[str], stdin: str | None = None) -> object:
    env = {"CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": shared_empty_secrets_file()}
    return CliRunner().invoke(cli, args, input=stdin, env=env)


def test_adduser_command(seeded_db: Database) -> None:
    result = _cli(seeded_db, ["console", "adduser", "analyst1", "--password-stdin"],
                  PASSWORD + "\n")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    with seeded_db.connection() as conn:
        found = console_users.find_user(conn, "analyst1")
    assert found is not None and verify_password(found.password_hash, PASSWORD)
    again = _cli(seeded_db, ["console", "adduser", "analyst1", "--password-stdin"],
                 PASSWORD + "\n")
    assert again.exit_code == 2 and "already exists" in again.output  # type: ignore[attr-defined]
    short = _cli(seeded_db, ["console", "adduser", "analyst2", "--password-stdin"], "abc\n")
    assert short.exit_code == 2 and "at least 10" in short.output  # type: ignore[attr-defined]
    changed = _cli(seeded_db, ["console", "adduser", "analyst1", "--update",
                               "--password-stdin"], "another long password\n")
    assert changed.exit_code == 0  # type: ignore[attr-defined]
    with seeded_db.connection() as conn:
        found = console_users.find_user(conn, "analyst1")
    assert found is not None and verify_password(found.password_hash, "another long password")


def test_binding_beyond_loopback_without_users_is_refused(seeded_db: Database) -> None:
    result = _cli(seeded_db, ["console", "--host", EVERY_INTERFACE, "--port", "8751"])
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "chorus console adduser" in result.output  # type: ignore[attr-defined]


def test_a_loopback_console_behind_a_proxy_requires_login(seeded_db: Database) -> None:
    """The documented deployment: 127.0.0.1 behind a local TLS proxy (console_trusted_proxies)."""
    env = {"CHORUS_DATABASE_URL": seeded_db.url, "CHORUS_SECRETS_FILE": shared_empty_secrets_file(),
           "CHORUS_CONSOLE_TRUSTED_PROXIES": "127.0.0.1"}
    result = CliRunner().invoke(cli, ["console", "--port", "8751"], env=env)
    assert result.exit_code == 2
    assert "behind a proxy requires login" in result.output
    assert "chorus console adduser" in result.output
