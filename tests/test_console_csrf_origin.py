"""Where a console form may be posted from: the console's own origin (as the browser addressed
it, or its public URL behind a TLS proxy) with the page's token; never another site, a
sibling subdomain, an opaque `null` origin, or without the token. Pages ask browsers for a
same-origin referrer policy, so that their own form posts carry a real Origin."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from storage import catalog
from storage.database import Database
from tests.console_corpus import Corpus, client_for, csrf_token
from tests.test_console_security import _post_routes

pytest_plugins = ["tests.console_fixtures"]

REFUSED_HEADERS = (
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another party
    {"Sec-Fetch-Site": "none"},
    {"Origin": "null"},  # a sandboxed frame, a page with no-referrer
    {"Origin": "https://evil.example"},
    {"Origin": "http://console.test.evil.example"},
    {"Origin": "https://console.test"},  # the console's host, but not its scheme
    {"Origin": "http://console.test:8080"},
)


def _add_event(client: TestClient, name: str, headers: dict[str, str],
               token: str | None = None) -> int:
    data = {"name": name, "at": "2021-11-08T00:00Z"}
    if token is not None:
        data["csrf_token"] = token
    return client.post("/events", data=data, headers=headers).status_code


def _event_exists(db: Database, name: str) -> bool:
    with db.connection() as conn:
        return catalog.find_event(conn, name) is not None


def test_pages_ask_for_a_same_origin_referrer_policy(seeded_db: Database, corpus: Corpus,
                                                     tmp_path: Path) -> None:
    response = client_for(seeded_db, tmp_path).get("/events")
    assert response.headers["referrer-policy"] == "same-origin"
    # The page's own meta tag would override the header; it must say the same.
    assert '<meta name="referrer" content="same-origin">' in response.text
    assert "no-referrer" not in response.text.split("</head>")[0]


def test_posts_from_anywhere_but_the_console_are_refused(
        seeded_db: Database, corpus: Corpus, tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path)
    token = csrf_token(client)
    for headers in REFUSED_HEADERS:
        for url, data in _post_routes(corpus):
            response = client.post(url, data={**data, "csrf_token": token}, headers=headers)
            assert response.status_code == 403, (url, headers)
            assert "security token" in response.text
    assert not _event_exists(seeded_db, "Forged event")


def test_the_consoles_own_pages_post_with_their_token(
        seeded_db: Database, corpus: Corpus, tmp_path: Path) -> None:
    client = client_for(seeded_db, tmp_path)
    token = csrf_token(client)
    accepted = {
        "fetch metadata": {"Sec-Fetch-Site": "same-origin"},
        "origin": {"Origin": "http://console.test"},
        "origin with its default port": {"Origin": "http://console.test:80"},
        "both": {"Sec-Fetch-Site": "same-origin", "Origin": "http://console.test"},
        "no browser headers": {},
    }
    for name, headers in accepted.items():
        assert _add_event(client, name, headers, token) == 303, name
        assert _event_exists(seeded_db, name)
    # The token is still required, whatever the headers say.
    for headers in accepted.values():
        assert _add_event(client, "no token", headers) == 403
        assert _add_event(client, "stale token", headers, token[:-1]) == 403
    assert not _event_exists(seeded_db, "no token") and not _event_exists(seeded_db,
                                                                         "stale token")


def test_behind_a_tls_proxy_the_public_origin_is_the_consoles(
        seeded_db: Database, corpus: Corpus, tmp_path: Path) -> None:
    """The proxy may reach the console as http://127.0.0.1:8750 (here console.test) while the
    browser's Origin is the public https address, given as the setting console_url."""
    public = {"Origin": "https://chorus.example"}
    plain = client_for(seeded_db, tmp_path)
    assert _add_event(plain, "via an unknown proxy", public, csrf_token(plain)) == 403
    proxied = client_for(seeded_db, tmp_path, console_url="https://Chorus.example:443/")
    token = csrf_token(proxied)
    assert _add_event(proxied, "via the proxy", public, token) == 303
    assert _event_exists(seeded_db, "via the proxy")
    for headers in ({"Origin": "http://chorus.example"}, {"Origin": "https://evil.example"},
                    {"Origin": "https://chorus.example.evil.example"}):
        assert _add_event(proxied, "forged", headers, token) == 403
    assert not _event_exists(seeded_db, "forged")
