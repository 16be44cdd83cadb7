"""Fixtures of the browser tests: headless Chromium and a watched page. A test module loads
them with `pytest_plugins = ["tests.browser_fixtures"]` (and imports nothing from here, so
that pytest can load this module as a plugin)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, Watched


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    """A page that records dialogs (alert, confirm) and console errors (CSP violations)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                  accept_downloads=True)
    page = context.new_page()
    seen = Watched(page, [], [])

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    yield seen
    context.close()


@pytest.fixture
def page(watched: Watched) -> Iterator[Page]:
    """The watched page; the test fails if it ends with a script error, a CSP violation or a
    dialog (a hostile text that ran). A module may override it with a page of its own."""
    watched.page.set_default_timeout(20_000)
    yield watched.page
    assert watched.errors == [], watched.errors
    assert watched.dialogs == []
