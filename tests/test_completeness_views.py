"""Completeness where people read it: `chorus status`, the console's sources page and the
digest's collection health each show a source's possible missing posts."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from starlette.testclient import TestClient

from monitor.digest.compose import build_digest
from monitor.digest.render import render_text
from monitor.health import status_report
from storage import catalog, completeness
from storage.database import Database
from tests.test_digest_support import config_from, outbox_env

pytest_plugins = ["tests.console_fixtures"]


def _gap_today(db: Database, handle: str) -> datetime:
    now = datetime.now(UTC)
    with db.connection() as conn:
        source = {s["handle"]: int(s["id"]) for s in catalog.list_sources(conn)}[handle]
        completeness.record_gaps(conn, source, [completeness.GapRecord(
            100, 141, now.date(), missing=37, recovered=3, refetched=True)], now)
        completeness.add_counts(conn, source, now.date(), reported=5, stored=5)  # no gap
    return now


def test_status_sources_page_and_digest_show_possible_missing_posts(
        seeded_db: Database, client: TestClient, tmp_path: Path) -> None:
    now = _gap_today(seeded_db, "Tura313")
    config = config_from(outbox_env(seeded_db.url, tmp_path))

    report = status_report(config, seeded_db)
    by_handle = {s["handle"]: s for s in report["sources"]}
    assert by_handle["Tura313"]["possible_missing"] == 37
    assert by_handle["sabreenS1"]["possible_missing"] == 0
    [day] = report["completeness"]
    assert (day["gaps"], day["possible_missing"], day["recovered"]) == (1, 37, 3)

    page = client.get("/sources").text
    rows = {re.search(r'/search\?source=(\w+)', r).group(1): r  # type: ignore[union-attr]
            for r in page.split('<tr class="source-row')[1:]}
    assert '<td class="num missing">37</td>' in rows["Tura313"]
    assert "missing" not in rows["sabreenS1"]

    digest = build_digest(config, seeded_db, now.date(), now=now)
    [line] = digest.missing
    assert (line.handle, line.possible_missing, line.recovered) == ("Tura313", 37, 3)
    text = render_text(digest)
    assert f"telegram/Tura313, {now.date().isoformat()}: 37 (3 recovered by a re-fetch)" in text
