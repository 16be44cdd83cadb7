"""`chorus console` as an operator runs it: a real process serving on 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from storage.database import Database
from tests.secrets_support import empty_secrets_file

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served_console(db: Database, tmp_path: Path) -> Iterator[str]:
    """A real `chorus console` on a free loopback port; its base URL once it answers."""
    port = _free_port()
    env = {**os.environ, "CHORUS_DATABASE_URL": db.url,
           "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "console", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else b""
                    pytest.fail(f"the console did not start: {output.decode()[-2000:]}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(15)
        if process.stdout:
            process.stdout.close()


@pytest.mark.slow
def test_chorus_console_serves_on_loopback_without_login(seeded_db: Database,
                                                         tmp_path: Path) -> None:
    with served_console(seeded_db, tmp_path) as base:
        health = httpx.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["database"] is True
        page = httpx.get(f"{base}/sources", timeout=10)
        assert page.status_code == 200 and "Tura313" in page.text  # no login on loopback
        assert "server" not in page.headers  # uvicorn's banner is off
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
