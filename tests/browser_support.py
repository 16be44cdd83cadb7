"""What the browser tests share: a console served by a real uvicorn in a thread, Debian's
Chromium and the page the fixtures in tests/browser_fixtures.py hand out."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from playwright.sync_api import Page
from starlette.applications import Starlette

from monitor.console import create_app
from monitor.settings import load_config
from storage.database import Database
from tests.secrets_support import empty_secrets_file

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def console_app(db: Database, tmp_path: Path, *, auth_required: bool = False) -> Starlette:
    config = load_config({"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
                          "CHORUS_CONSOLE_ANALYST": "tester"})
    return create_app(config, db, auth_required=auth_required)


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextmanager
def served(app: Starlette, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` on `host` and a free port; yields the base URL the browser opens."""
    port = _free_port(host)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, name="console-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the console server did not start")
        time.sleep(0.05)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class Watched:
    page: Page
    dialogs: list[str]
    errors: list[str]
