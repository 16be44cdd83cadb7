"""Hostile query strings and forms: NUL characters, dates at the ends of the calendar, huge
ids, lone surrogates. Each is the client's error (400, or 404 for an id that cannot exist)
with a message naming the parameter; none is a server error."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from storage.database import Database
from tests.console_corpus import Corpus, client_for, csrf_token

pytest_plugins = ["tests.console_fixtures"]

HUGE_ID = "99999999999999999999999"


@pytest.fixture
def client(seeded_db: Database, corpus: Corpus, tmp_path: Path) -> TestClient:
    # Server errors come back as responses here, so that every case is checked.
    app = client_for(seeded_db, tmp_path).app
    return TestClient(app, base_url="http://console.test", follow_redirects=False,
                      raise_server_exceptions=False)


def _refused(response: object, name: str, status: int = 400) -> None:
    code = response.status_code  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    assert code == status, (code, text[:300])
    assert f"{name}:" in text
    assert "Traceback" not in text and "psycopg" not in text.lower()


@pytest.mark.parametrize(("url", "name"), [
    ("/search?q=%00", "q"),
    ("/search.csv?q=%00", "q"),
    ("/search.json?q=flag%00", "q"),
    ("/search?actor=%00", "actor"),
    ("/search?group=a%00b", "group"),
    ("/search?source=%00", "source"),
    ("/narratives/false%00flag", "key"),
    ("/events/1?narrative=%00", "narrative"),
    ("/sources?q=%00", "q"),
])
def test_a_nul_character_is_refused_by_name(client: TestClient, url: str, name: str) -> None:
    _refused(client.get(url), name)


@pytest.mark.parametrize(("url", "name"), [
    ("/?day=0001-01-01", "day"),
    ("/?day=0001-01-14", "day"),
    ("/?day=9999-12-31", "day"),
    ("/search?until=9999-12-31", "until"),
    ("/search?since=0001-01-01T00:00%2B05:00", "since"),
    ("/search.csv?since=0001-01-01", "since"),
    ("/narratives/false_flag?until=9999-12-31", "until"),
    ("/narratives/false_flag?since=0001-01-01T00:00%2B05:00", "since"),
])
def test_dates_off_the_calendar_are_out_of_range(client: TestClient, url: str,
                                                 name: str) -> None:
    response = client.get(url)
    _refused(response, name)
    assert "out of range" in response.text or "cannot read" in response.text


def test_dates_near_the_bounds_still_work(client: TestClient) -> None:
    for url in ("/?day=1900-01-01", "/?day=3000-01-01", "/search?since=1900-01-01",
                "/search?until=2999-12-31", "/narratives/false_flag?until=2999-12-31"):
        assert client.get(url).status_code == 200, url


def test_forms_with_nul_or_impossible_dates_are_refused(client: TestClient,
                                                        corpus: Corpus) -> None:
    token = csrf_token(client)
    cases = [
        ("/events", {"name": "a\x00b", "at": "2021-11-07"}, "name"),
        ("/events", {"name": "Year one", "at": "0001-01-01T00:00+05:00"}, "at"),
        (f"/posts/{corpus.arabic}/labels",
         {"narrative": "false_flag", "verdict": "confirm", "note": "\x00"}, "note"),
        (f"/posts/{corpus.arabic}/labels", {"narrative": "\x00", "verdict": "confirm"},
         "narrative"),
        ("/sources", {"platform": "telegram", "handle": "abc", "role": "actor",
                      "actor": "\x00", "group": "x"}, "actor"),
        ("/sql", {"sql": "SELECT 1", "action": "save", "name": "n\x00"}, "name"),
    ]
    for url, data, name in cases:
        _refused(client.post(url, data={**data, "csrf_token": token}), name)
    assert "Year one" not in client.get("/events").text


def test_huge_ids_and_lone_surrogates_are_not_server_errors(client: TestClient) -> None:
    for url in (f"/events/{HUGE_ID}", f"/posts/{HUGE_ID}", f"/sql?saved={HUGE_ID}",
                f"/narratives/false_flag?event={HUGE_ID}", "/narratives/%ED%A0%80",
                f"/events/1?k={HUGE_ID}", f"/search?shown={HUGE_ID}"):
        assert client.get(url).status_code in (400, 404), url
    # Undecodable UTF-8 (a lone surrogate's bytes) arrives as U+FFFD and simply finds nothing.
    assert client.get("/search?q=%ED%A0%80").status_code == 200
    token = csrf_token(client)
    assert client.post(f"/sql/saved/{HUGE_ID}/delete",
                       data={"csrf_token": token}).status_code == 404
