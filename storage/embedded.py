"""The embedded default: a real PostgreSQL from the pgserver wheel, kept in the user's data dir.

pgserver counts the processes attached to a data directory and stops the server when the
last one exits, so commands reuse one running server and none is left behind.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import platformdirs
import psycopg
from psycopg import sql

DATABASE_NAME = "chorus"
_servers: dict[Path, Any] = {}


def default_data_dir() -> Path:
    """The user data dir's pgdata; the application passes its embedded_dir setting instead."""
    return Path(platformdirs.user_data_dir("chorus")) / "pgdata"


def embedded_url(pgdata: Path | None = None) -> str:
    """Start (or attach to) the embedded server and return a URL for the chorus database."""
    # pgserver keeps its lock in the runtime dir, which must exist and be private (0700).
    os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/chorus-runtime-{os.getuid()}")  # noqa: S108
    runtime = Path(os.environ["XDG_RUNTIME_DIR"])
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    if runtime.stat().st_uid == os.getuid():
        runtime.chmod(0o700)
    import pgserver  # heavy import; only when the embedded default is used

    path = (pgdata or default_data_dir()).resolve()
    path.mkdir(parents=True, exist_ok=True)
    server = _servers.get(path)
    if server is None:
        _forget_dead_handles(path)
        _stop_cleanly_on_sigterm()
        server = pgserver.get_server(path, cleanup_mode="stop")  # type: ignore[attr-defined]
        _servers[path] = server
    admin_url: str = server.get_uri("postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": DATABASE_NAME}
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    url: str = server.get_uri(DATABASE_NAME)
    return url


def stop_embedded() -> None:
    """Detach from servers this process started (pgserver stops them if unused)."""
    for path in list(_servers):
        server = _servers.pop(path)
        server.cleanup()


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop processes that died without detaching from pgserver's list of handles.

    pgserver stops the server when its last handle detaches; a handle killed outright (SIGKILL,
    an OOM kill) never detaches, and its PID would keep the server running for good."""
    from pgserver.postgres_server import PostgresServer

    with PostgresServer._lock:  # the lock pgserver itself holds while it edits the list
        _prune(pgdata / ".handle_pids.json")


def _prune(handles: Path) -> None:
    try:
        pids = json.loads(handles.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        pids = None
    if not isinstance(pids, list):
        handles.write_text("[]", encoding="utf-8")
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive), encoding="utf-8")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _stop_cleanly_on_sigterm() -> None:
    """SIGTERM exits through SystemExit, so pgserver's atexit hook detaches this process.

    The default action kills the process without atexit hooks and leaves the server running;
    uvicorn re-raises a captured SIGTERM under the handler it found, so it lands here too."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
