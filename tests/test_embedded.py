"""The embedded default: a real PostgreSQL from the pgserver wheel, reused, left stopped."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from tests.secrets_support import empty_secrets_file


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
    env.update({"CHORUS_EMBEDDED_DIR": str(pgdata), "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})
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


def _wait_until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return check()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _embedded_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CHORUS_DATABASE_URL"}
    env.update({"CHORUS_EMBEDDED_DIR": str(tmp_path / "pgdata"),
                "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})
    return env


@pytest.mark.slow
def test_sigterm_on_the_console_stops_the_embedded_server(tmp_path: Path) -> None:
    """`kill` (SIGTERM) is how an operator or a service manager stops the console."""
    env = _embedded_env(tmp_path)
    migrated = _chorus(env, "db", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "monitor.cli", "console", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def answers() -> bool:
            if proc.poll() is not None:
                raise AssertionError("the console exited")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return True
            except OSError:
                return False

        started = False
        started = _wait_until(answers, 120)
        if started:
            assert _postgres_on(tmp_path / "pgdata")
            proc.send_signal(signal.SIGTERM)
    finally:
        if proc.poll() is None and not started:
            proc.kill()
        output, _ = proc.communicate(timeout=60)
    assert started, f"the console did not start: {output}"
    assert "Traceback" not in output, output
    assert _wait_until(lambda: not _postgres_on(tmp_path / "pgdata"), 30), output
    assert json.loads((tmp_path / "pgdata" / ".handle_pids.json").read_text()) == []


@pytest.mark.slow
def test_a_handle_killed_outright_does_not_keep_the_server_running(tmp_path: Path) -> None:
    env = _embedded_env(tmp_path)
    migrated = _chorus(env, "db", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    handles = tmp_path / "pgdata" / ".handle_pids.json"
    handles.write_text(json.dumps([2 ** 22 + 17]))  # above any pid_max default: never alive
    done = _chorus(env, "db", "status")
    assert done.returncode == 0, done.stderr
    assert _wait_until(lambda: not _postgres_on(tmp_path / "pgdata"), 30)
    assert json.loads(handles.read_text()) == []
