"""The embedded default: a real PostgreSQL from the pgserver wheel, reused, left stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest


def _chorus(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor.cli", *args], capture_output=True,
                          text=True, env=env, timeout=180)


def _postgres_on(pgdata: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and str(pgdata) in " ".join(cmdline):
            found.append(proc)
    return found


@pytest.mark.slow
def test_embedded_server_migrates_reuses_data_and_leaves_nothing_running(tmp_path: Path) -> None:
    pgdata = tmp_path / "pgdata"
    env = {k: v for k, v in os.environ.items() if k != "CHORUS_DATABASE_URL"}
    env.update({"CHORUS_EMBEDDED_DIR": str(pgdata), "CHORUS_SECRETS_FILE": str(tmp_path / "s")})
    first = _chorus(env, "sources", "sync", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["created"]["sources"] == 7
    second = _chorus(env, "sources", "sync", "--json")
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["created"] == {}  # same data directory, reused
    deadline = time.monotonic() + 20
    while _postgres_on(pgdata) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _postgres_on(pgdata) == []
