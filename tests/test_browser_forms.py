"""Every ordinary form of the console, submitted in headless Chromium by clicking as an analyst
does, lands: on a console that requires a login (bound to 127.0.0.2, not the loopback
address that goes without one) and, for the analyst name, on the local console. Each POST
must be answered by its redirect (not 403), the page must show the result, and the database
must hold it."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from playwright.sync_api import Locator, Page, Response

from monitor.cli import cli
from monitor.console import needs_login
from storage import catalog
from storage.database import Database
from tests.browser_support import Watched, console_app, served
from tests.console_corpus import build
from tests.factories import at
from tests.secrets_support import empty_secrets_file

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.browser_fixtures"]

HOST = "127.0.0.2"  # loopback to this machine, but not an address that goes without login
USER, PASSWORD = "rana", "correct horse battery staple"
QUERY = "SELECT platform, handle FROM sources ORDER BY platform, handle LIMIT 5"


@dataclass
class Site:
    url: str
    db: Database
    candidate: int


def _rows(db: Database, query: str, params: dict[str, Any] | None = None) -> list[Any]:
    with db.connection() as conn:
        return list(conn.execute(query, params or {}).fetchall())


@pytest.fixture
def login_site(seeded_db: Database, tmp_path: Path) -> Iterator[Site]:
    build(seeded_db)
    added = CliRunner().invoke(cli, ["console", "adduser", USER, "--password-stdin"],
                               input=PASSWORD + "\n",
                               env={"CHORUS_DATABASE_URL": seeded_db.url,
                                    "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})
    assert added.exit_code == 0, added.output
    with seeded_db.connection() as conn:
        candidate = catalog.add_event(conn, catalog.EventSpec(
            name="Candidate burst", at=at("2021-11-07T02:00Z"), status="candidate"))
    assert needs_login(HOST)
    app = console_app(seeded_db, tmp_path, auth_required=needs_login(HOST))
    with served(app, HOST) as url:
        yield Site(url, seeded_db, candidate)



def _submit(page: Page, button: Locator, action: str) -> Response:
    """Click a form's button; the POST to `action` must be answered with its redirect."""
    with page.expect_response(
            lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith(action)
    ) as posted:
        button.click()
    response = posted.value
    page.wait_for_load_state()
    assert response.status == 303, f"POST {action}: {response.status} {page.inner_text('main')}"
    # The console's referrer policy lets the browser name the console as the form's origin
    # (under no-referrer it sends `null`, which browsers without Fetch Metadata depend on).
    parts = urlsplit(response.url)
    assert response.request.header_value("origin") == f"{parts.scheme}://{parts.netloc}"
    assert response.request.header_value("sec-fetch-site") == "same-origin"
    return response


def _log_in(page: Page, site: Site, target: str) -> None:
    page.goto(site.url + target)
    page.wait_for_url("**/login?next=**")
    page.get_by_label("User name").press_sequentially(USER)
    page.get_by_label("Password").press_sequentially(PASSWORD)
    _submit(page, page.get_by_role("button", name="Log in"), "/login")
    page.wait_for_url(f"**{target}")
    assert page.locator("#analyst-name").inner_text() == USER


def _sessions(db: Database) -> int:
    return int(_rows(db, "SELECT count(*) AS n FROM console_sessions")[0]["n"])


def test_log_in_and_out_by_clicking(login_site: Site, page: Page) -> None:
    _log_in(page, login_site, "/sources")
    assert _sessions(login_site.db) == 1
    _submit(page, page.get_by_role("button", name="Log out"), "/logout")
    page.wait_for_url("**/login")
    assert _sessions(login_site.db) == 0
    page.goto(f"{login_site.url}/sources")
    page.wait_for_url("**/login?next=**")  # the page is closed again


def _saved(db: Database) -> list[Any]:
    return _rows(db, "SELECT name, sql, created_by FROM saved_queries")


def test_the_sql_tab_runs_exports_saves_and_deletes(login_site: Site, page: Page) -> None:
    _log_in(page, login_site, "/sql")
    expected = [(r["platform"], r["handle"]) for r in _rows(login_site.db, QUERY)]
    assert len(expected) == 5
    page.fill("textarea[name=sql]", QUERY)
    # Run: the page answers with the rows (a 200 page, not a redirect).
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Run").click()
    assert posted.value.status == 200, page.inner_text("main")
    cells = page.locator("#sql-result tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    assert [tuple(c) for c in cells] == expected
    # Export: a CSV download with the same rows.
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    assert download.value.suggested_filename == "chorus-query.csv"
    with open(download.value.path(), encoding="utf-8-sig", newline="") as handle:
        exported = list(csv.reader(handle))
    assert exported[0] == ["platform", "handle"]
    assert [tuple(r) for r in exported[1:]] == expected
    # Save, then delete.
    page.get_by_label("Name", exact=True).fill("First five sources")
    page.get_by_label("Description").fill("a smoke test")
    _submit(page, page.get_by_role("button", name="Save query"), "/sql")
    page.wait_for_url("**/sql?saved=*")
    assert "First five sources" in page.locator("#saved").inner_text()
    assert [tuple(r.values()) for r in _saved(login_site.db)] == [
        ("First five sources", QUERY, USER)]
    _submit(page, page.locator("#saved").get_by_role("button", name="delete"), "/delete")
    page.wait_for_url("**/sql")
    assert "None yet." in page.locator("#saved").inner_text()
    assert _saved(login_site.db) == []


def test_add_an_event_a_source_and_confirm_a_candidate(login_site: Site, page: Page) -> None:
    _log_in(page, login_site, "/events")
    form = page.locator("#add-event")
    form.get_by_label("Name").fill("Rocket fire on Erbil")
    form.get_by_label("When (UTC, ISO 8601)").fill("2021-11-08T06:00Z")
    form.get_by_label("Description").fill("added from the browser")
    _submit(page, form.get_by_role("button", name="Add event"), "/events")
    page.wait_for_url("**/events/*")
    assert "Rocket fire on Erbil" in page.locator("h1").inner_text()
    assert [tuple(r.values()) for r in _rows(
        login_site.db, "SELECT status, description FROM events WHERE name = %(n)s",
        {"n": "Rocket fire on Erbil"})] == [("confirmed", "added from the browser")]

    page.goto(f"{login_site.url}/sources")
    form = page.locator("#add-source")
    form.get_by_label("Platform").select_option("telegram")
    form.get_by_label("Handle").fill("new_channel_7")
    form.get_by_label("Role").select_option("observer")
    _submit(page, form.get_by_role("button"), "/sources")
    page.wait_for_url("**/sources")
    assert page.locator("#sources, table").first.get_by_text("new_channel_7").count() >= 1
    assert [tuple(r.values()) for r in _rows(
        login_site.db, "SELECT platform, role FROM sources WHERE handle = 'new_channel_7'")
            ] == [("telegram", "observer")]

    page.goto(f"{login_site.url}/events/{login_site.candidate}")
    _submit(page, page.get_by_role("button", name="Confirm this event"), "/decision")
    page.wait_for_url(f"**/events/{login_site.candidate}")
    assert page.locator("h1 .badge").inner_text() == "confirmed"
    assert _rows(login_site.db, "SELECT status FROM events WHERE id = %(id)s",
                 {"id": login_site.candidate})[0]["status"] == "confirmed"


def test_the_local_analyst_name_is_set_by_its_form(seeded_db: Database, tmp_path: Path,
                                                   watched: Watched) -> None:
    page = watched.page
    page.set_default_timeout(15_000)
    with served(console_app(seeded_db, tmp_path)) as url:
        page.goto(f"{url}/sql")
        name = page.locator("#analyst-form input[name=analyst]")
        assert name.input_value() == "tester"
        name.fill("Layla")
        _submit(page, page.locator("#analyst-form").get_by_role("button", name="Set"), "/analyst")
        page.wait_for_url("**/sql")
        assert name.input_value() == "Layla"
        # The name is what the console records: a saved query carries it.
        page.get_by_label("Name", exact=True).fill("By Layla")
        _submit(page, page.get_by_role("button", name="Save query"), "/sql")
        page.wait_for_url("**/sql?saved=*")
        assert "Layla" in page.locator("#saved").inner_text()
    assert [r["created_by"] for r in _saved(seeded_db)] == ["Layla"]
    assert watched.errors == [] and watched.dialogs == []
