"""Completeness: a Telegram channel whose history skips ids is reported per source and day,
the gap is re-fetched through the (fake) Telethon client, and what stays missing is
recorded; a deletion Chorus saw is never a gap."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor.settings import Config, load_config
from storage import catalog, completeness
from storage.database import Database
from tests.secrets_support import empty_secrets_file
from tests.test_telegram_collect import NOW, native_ids, run_collect, watch
from tests.test_telegram_fake import FakeTelegram, message
from tests.test_x_collect import NOW as X_NOW
from tests.test_x_collect import cassette as x_cassette
from tests.test_x_collect import run_x


class SkippingHistory(FakeTelegram):
    """History leaves out `hidden` ids (as Telegram may for a moment), a request by id
    still returns them."""

    def __init__(self, hidden: set[int]) -> None:
        super().__init__()
        self.hidden = hidden

    async def get_messages(self, entity: Any, limit: Any = None, **kwargs: Any) -> Any:
        found = await super().get_messages(entity, limit, **kwargs)
        if kwargs.get("ids") is None and isinstance(found, list):
            return [m for m in found if m.id not in self.hidden]
        return found


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(env={"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})


def _days(db: Database) -> list[completeness.DayCompleteness]:
    with db.connection() as conn:
        return completeness.days(conn, date(2021, 1, 1), date(2030, 1, 1))


def test_a_gap_of_ids_is_refetched_and_what_stays_is_recorded(db: Database,
                                                              config: Config) -> None:
    fake = SkippingHistory(hidden={4, 5})
    # 8 was deleted before Chorus ever saw it: it stays missing.
    fake.add_channel("Tura313", [message("Tura313", i) for i in range(1, 11) if i != 8])
    watch(db, "Tura313")
    [result] = run_collect(config, db, fake)
    assert result.status == "ok"
    assert native_ids(db, "Tura313") == [1, 2, 3, 4, 5, 6, 7, 9, 10]  # 4 and 5 re-fetched
    asked = [p["ids"] for kind, p in fake.requests if kind == "get_messages" and p["ids"]]
    assert asked[0] == [4, 5, 8]
    [day] = _days(db)
    assert (day["handle"], day["gaps"], day["possible_missing"], day["recovered"]) == (
        "Tura313", 2, 1, 2)
    assert completeness.unseen(day) == 1

    # Across runs, from the checkpoint: 11 and 12 never come; a seen deletion is no gap.
    fake.hidden.clear()
    fake.delete("Tura313", 3)
    fake.add("Tura313", message("Tura313", 13))
    run_collect(config, db, fake, now=NOW + timedelta(hours=1))
    [day] = _days(db)
    assert (day["gaps"], day["possible_missing"], day["recovered"]) == (3, 3, 2)
    with db.connection() as conn:
        gaps = conn.execute("SELECT after_id, before_id, missing, recovered, "
                            "refetched_at IS NOT NULL AS refetched "
                            "FROM collection_gaps ORDER BY after_id").fetchall()
    assert [(g["after_id"], g["before_id"], g["missing"], g["recovered"], g["refetched"])
            for g in gaps] == [(3, 6, 0, 2, True), (7, 9, 1, 0, True), (10, 13, 2, 0, True)]


def test_a_channel_without_gaps_records_none(db: Database, config: Config) -> None:
    fake = FakeTelegram()
    fake.add_channel("Tura313", [message("Tura313", i) for i in range(1, 6)])
    watch(db, "Tura313")
    run_collect(config, db, fake)
    assert _days(db) == []
    assert not [p for kind, p in fake.requests if kind == "get_messages" and p["ids"]]


def test_x_reported_beside_stored_where_the_api_says(db: Database, config: Config) -> None:
    with db.connection() as conn:
        catalog.upsert_source(conn, catalog.SourceSpec(
            platform="twitter", handle="watch-false-flag", role="observer", kind="search",
            query='"false flag"'))
    with x_cassette("x_search") as played:
        run_x(config, db, now=X_NOW + timedelta(hours=3))
        assert played.all_played
    # meta.result_count said 3; one tweet's author is unknown, so 2 were stored.
    [day] = _days(db)
    assert (day["platform"], day["reported"], day["stored"]) == ("twitter", 3, 2)
    assert completeness.unseen(day) == 1
