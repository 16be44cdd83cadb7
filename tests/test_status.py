"""`chorus status`, /healthz data and the Prometheus metrics: blind versus quiet per source,
the daemon leader, tagging lag and job failures, read from a real database."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.daemon.leader import Leadership
from monitor.daemon.main import Daemon
from monitor.health import healthz_payload, metrics_payload, metrics_registry
from monitor.settings import load_config
from storage import collection
from storage import jobs as job_sql
from storage.database import Database
from storage.posts import WriteCounts
from tests.factories import add_source, post, write
from tests.secrets_support import empty_secrets_file, shared_empty_secrets_file


def state(db: Database, handle: str, value: str, when: datetime, error: str | None = None,
          until: datetime | None = None) -> None:
    with db.connection() as conn:
        row = conn.execute("SELECT id FROM sources WHERE handle = %(h)s", {"h": handle}).fetchone()
        assert row is not None
        collection.set_state(conn, int(row["id"]), state=value, now=when, error=error,
                             rate_limited_until=until)


@pytest.fixture
def watched(db: Database) -> Database:
    now = datetime.now(UTC)
    add_source(db, "telegram", "busy_ok", "Busy", "militia_media")
    add_source(db, "telegram", "silent_ok", "Silent", "militia_media")
    add_source(db, "twitter", "limited", "Limited", "iran_official")
    add_source(db, "twitter", "capped", "Capped", "iran_official")
    add_source(db, "telegram", "loggedout", "Logged Out", "iraqi_militia")
    add_source(db, "telegram", "stale_ok", "Stale", "iraqi_militia")
    add_source(db, "telegram", "newcomer", "Newcomer", "iraqi_militia")
    write(db, post("busy_ok", "1", (now - timedelta(hours=2)).isoformat(), "<b>fresh</b> post"),
          post("busy_ok", "2", (now - timedelta(hours=1)).isoformat(), "another post"),
          post("silent_ok", "3", (now - timedelta(days=3)).isoformat(), "old post"))
    state(db, "busy_ok", "ok", now - timedelta(minutes=5))
    state(db, "silent_ok", "ok", now - timedelta(minutes=5))
    state(db, "limited", "rate_limited", now - timedelta(minutes=20), "429 from X",
          now + timedelta(minutes=10))
    state(db, "capped", "cap_reached", now - timedelta(minutes=20), "monthly read cap reached")
    state(db, "loggedout", "logged_out", now - timedelta(minutes=20), "log in again")
    state(db, "stale_ok", "ok", now - timedelta(hours=5))  # ok, but 5 h ago (limit 3 h)
    with db.connection() as conn:
        run = job_sql.start_run(conn, "tag")
        job_sql.finish_run(conn, run, "failed", error="DatabaseUnavailable: down")
    return db


def run(db: Database, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    env = {"CHORUS_DATABASE_URL": db.url, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
           "COLUMNS": "220"}  # a wide terminal: table cells on one line
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_status_json_tells_blind_from_quiet(watched: Database, tmp_path: Path) -> None:
    code, out, err = run(watched, tmp_path, "status", "--json")
    assert code == 0, err
    report = json.loads(out)
    by_handle = {s["handle"]: s for s in report["sources"]}
    assert {h: (s["condition"], s["reason"]) for h, s in by_handle.items()} == {
        "busy_ok": ("ok", ""), "silent_ok": ("quiet", ""),
        "limited": ("blind", "rate_limited"), "capped": ("blind", "cap_reached"),
        "loggedout": ("blind", "logged_out"), "stale_ok": ("blind", "stale"),
        "newcomer": ("blind", "never"),
    }
    assert by_handle["busy_ok"]["posts_in_period"] == 2
    assert 300 <= by_handle["busy_ok"]["lag_seconds"] < 360  # its last success: 5 min ago
    assert by_handle["limited"]["last_error"] == "429 from X"
    assert by_handle["limited"]["rate_limited_until"] is not None
    assert by_handle["newcomer"]["last_success_at"] is None
    assert report["blind"] == 5 and report["quiet"] == 1
    assert report["tagging"]["pending"] == 3 and report["tagging"]["lag_seconds"] >= 0
    assert report["leader"] is None
    (tag,) = report["jobs"]
    assert tag["job"] == "tag" and tag["failures_24h"] == 1


def test_status_shows_the_leader_and_a_table(watched: Database, tmp_path: Path) -> None:
    async def scenario() -> None:
        # No hold() here: a check interval long enough that the lease outlives the test.
        leader = Leadership(watched, retry_s=0.1, check_s=30, name="chorus-daemon box pid 7")
        assert await leader.acquire(asyncio.Event())
        try:
            code, out, _ = await asyncio.to_thread(run, watched, tmp_path, "status")
            assert code == 0
            assert "daemon leader: chorus-daemon box pid 7" in out
            assert "blind (rate_limited)" in out and "quiet" in out
            assert "5 blind, 1 quiet" in out
            code, out, _ = await asyncio.to_thread(run, watched, tmp_path, "status", "--json")
            shown = json.loads(out)["leader"]
            assert shown["name"] == "chorus-daemon box pid 7"
            assert leader.since is not None
            # When it began to lead (the term's start), not when it connected.
            assert datetime.fromisoformat(shown["since"]) == leader.since
        finally:
            await leader.release()

    asyncio.run(scenario())


def test_metrics_and_healthz(watched: Database) -> None:
    now = datetime.now(UTC)
    config = load_config({"CHORUS_SECRETS_FILE": shared_empty_secrets_file()})
    with watched.connection() as conn:
        row = conn.execute("SELECT id FROM sources WHERE handle = 'busy_ok'").fetchone()
        assert row is not None
        run_id = collection.start_run(conn, int(row["id"]), "telegram", now)
        collection.finish_run(conn, run_id, collection.RunRecord(
            status="ok", counts=WriteCounts(inserted=2)), now)
    body, content_type = metrics_payload(metrics_registry(config, watched))
    text = body.decode()
    assert content_type.startswith("text/plain")
    assert 'chorus_posts_collected_total{platform="telegram"} 2.0' in text
    assert 'chorus_posts_stored{platform="telegram"} 3.0' in text
    assert 'chorus_blind_sources{reason="rate_limited"} 1.0' in text
    assert 'chorus_blind_sources{reason="stale"} 1.0' in text
    assert 'chorus_blind_sources{reason="never"} 1.0' in text
    assert 'chorus_job_failures_total{job="tag"} 1.0' in text
    assert "chorus_tagging_pending_posts 3.0" in text
    assert "chorus_tagging_lag_seconds" in text and "chorus_database_up 1.0" in text
    assert "fresh" not in text  # no post text in metrics
    assert healthz_payload(watched) == (200, {"status": "ok", "database": True,
                                              "daemon_leader": False})
    down = Database("postgresql://chorus:pw@127.0.0.1:1/none")
    try:
        assert healthz_payload(down)[0] == 503
        down_text = metrics_payload(metrics_registry(config, down))[0].decode()
        assert "chorus_database_up 0.0" in down_text
    finally:
        down.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_daemon_serves_metrics_while_it_leads(db: Database, tmp_path: Path) -> None:
    port = free_port()
    config = load_config({"CHORUS_DATABASE_URL": db.url, "CHORUS_METRICS_PORT": str(port),
                          "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
                          "CHORUS_LEADER_RETRY_S": "0.1", "CHORUS_LEADER_CHECK_S": "0.1"})

    async def scenario() -> None:
        daemon = Daemon(config, db, [], name="metrics-daemon")
        running = asyncio.create_task(daemon.run())
        for _ in range(100):
            if daemon.leadership.is_leader:
                break
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{port}/metrics")
        assert response.status_code == 200
        assert "chorus_daemon_is_leader 1.0" in response.text
        assert "chorus_database_up 1.0" in response.text
        daemon.request_stop()
        assert await asyncio.wait_for(running, 10) == 0

    asyncio.run(scenario())
    with pytest.raises(httpx.ConnectError):  # the endpoint goes with the daemon
        httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2)
