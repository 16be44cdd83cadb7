"""Shared pieces of the alert tests: a real HTTP server on loopback receiving webhooks, a
config, and rules."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from monitor.settings import Config, load_config
from storage.alerts import store as rows
from storage.database import Database
from storage.rows import JsonObject
from tests.factories import at
from tests.secrets_support import empty_secrets_file

WEBHOOK_SECRET = "desk-signing-key-9f3a"
HOOK: list[JsonObject] = [{"type": "webhook", "name": "desk", "url": "http://127.0.0.1:9/hook"}]
NOW = at("2021-11-07T12:00:00Z")
CAMPS = ["iraqi_militia", "militia_media", "iran_official"]


def incidents_of(db: Database, name: str) -> list[rows.Incident]:
    with db.connection() as conn:
        rule = rows.rule_by_name(conn, name)
        assert rule is not None
        return rows.incidents(conn, rule.id)


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the server got; `fail` answers 500 to the next N requests, `stall` sleeps past
    the client's timeout on the next N. Keys seen are deduplicated, as the docs advise."""

    hits: list[Hit] = field(default_factory=list)
    fail: int = 0
    stall: int = 0
    stall_s: float = 1.5
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def unique(self) -> dict[str, Hit]:
        """Accepted deliveries by X-Chorus-Delivery: what a deduplicating receiver keeps."""
        out: dict[str, Hit] = {}
        for hit in self.hits:
            out.setdefault(hit.headers.get("x-chorus-delivery", ""), hit)
        return out


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                stall = receiver.stall > 0
                receiver.stall -= int(stall)
                fail = not stall and receiver.fail > 0
                receiver.fail -= int(fail)
            if stall:
                time.sleep(receiver.stall_s)
                return  # the client has given up; no answer counts
            if not fail:
                with receiver.lock:
                    receiver.hits.append(Hit(self.path, {k.lower(): v for k, v in
                                                         self.headers.items()}, body))
            self.send_response(500 if fail else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    return Handler


@contextlib.contextmanager
def webhook_server() -> Iterator[Receiver]:
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    receiver.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def alert_config(db_url: str, tmp_path: Path, **extra: str) -> Config:
    env = {"CHORUS_DATABASE_URL": db_url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
           "CHORUS_WEBHOOK_SECRET_DESK": WEBHOOK_SECRET,
           "CHORUS_ALERT_WEBHOOK_TIMEOUT_S": "0.5",
           "CHORUS_CONSOLE_URL": "https://chorus.example", **extra}
    return load_config(env)


def no_sleep(_: float) -> None:
    return
