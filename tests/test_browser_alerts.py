"""The alerts page in headless Chromium, on a console that requires a login: an analyst adds
a saved-search rule by clicking, a matching post arrives, the daemon's alerts run sends it
to a real webhook server on loopback, and the page lists the delivery as sent; then the
analyst removes the rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Page

from monitor.alerts.cycle import evaluate_rules
from monitor.alerts.deliver import send_due
from monitor.alerts.manage import list_rules
from monitor.cli import cli
from storage.database import Database
from tests.alert_support import Receiver, alert_config, webhook_server
from tests.browser_support import console_app, served
from tests.factories import add_source, post, write
from tests.secrets_support import empty_secrets_file

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.browser_fixtures"]

HOST = "127.0.0.2"  # not the address that goes without a login
USER, PASSWORD = "rana", "correct horse battery staple"


@pytest.fixture
def site(db: Database, tmp_path: Path) -> Iterator[str]:
    added = CliRunner().invoke(cli, ["console", "adduser", USER, "--password-stdin"],
                               input=PASSWORD + "\n",
                               env={"CHORUS_DATABASE_URL": db.url,
                                    "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})
    assert added.exit_code == 0, added.output
    with served(console_app(db, tmp_path, auth_required=True), HOST) as url:
        yield url


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_server() as found:
        yield found



def _post_form(page: Page, button: str, action: str) -> None:
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.url.split("?")[0].endswith(action)) as posted:
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert posted.value.status == 303, page.inner_text("main")


def test_add_a_rule_by_clicking_and_see_its_delivery_sent(
        db: Database, site: str, receiver: Receiver, page: Page, tmp_path: Path) -> None:
    page.goto(site + "/alerts")
    page.wait_for_url("**/login?next=**")
    page.get_by_label("User name").press_sequentially(USER)
    page.get_by_label("Password").press_sequentially(PASSWORD)
    _post_form(page, "Log in", "/login")
    page.wait_for_url("**/alerts")

    page.get_by_label("Name", exact=True).fill("arabic-watch")
    page.get_by_label("Kind").select_option("search")
    page.get_by_label("Parameters, one NAME=VALUE a line").fill("query=الحشد")
    page.get_by_label("Channels, one a line").fill(f"webhook:desk={receiver.url}")
    _post_form(page, "Add rule", "/alerts")
    assert page.locator("#alert-rules .rule-row").count() == 1
    assert "arabic-watch" in page.locator("#alert-rules").inner_text()

    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    now = datetime.now(UTC)
    write(db, post("Tura313", "1", (now - timedelta(minutes=5)).isoformat(),
                   "بيان <b>الحشد</b> الشعبي"))
    config = alert_config(db.url, tmp_path)
    # The daemon's alerts run, with the settling delay left out (a test clock).
    assert evaluate_rules(config, db, now, settle=timedelta(0)).recorded == 1
    assert send_due(config, db, now).sent == 1
    assert len(receiver.hits) == 1

    page.reload()
    rows = page.locator("#alert-deliveries .delivery-row")
    assert rows.count() == 1
    assert "webhook:desk" in rows.inner_text()
    assert rows.locator(".delivery-status").inner_text().strip() == "sent"
    assert "1 sent" in page.locator("#delivery-counts").inner_text()
    assert "1 new post(s) match" in page.locator("#alert-incidents").inner_text()

    _post_form(page, "Remove arabic-watch", "/alerts/rules/arabic-watch/delete")
    assert list_rules(db) == []
    assert "No alert rules yet." in page.locator("#alert-rules").inner_text()
