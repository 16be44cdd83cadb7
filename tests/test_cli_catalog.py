from __future__ import annotations

import json

from click.testing import CliRunner

from monitor.cli import cli
from storage.database import Database
from storage.rows import one


def run(db: Database, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"CHORUS_DATABASE_URL": db.url})
    return result.exit_code, result.stdout, result.stderr


def test_db_migrate_and_status(db: Database) -> None:
    code, out, _ = run(db, "db", "migrate")
    assert code == 0 and "up to date" in out
    code, out, _ = run(db, "db", "status", "--json")
    assert code == 0 and json.loads(out)["pending"] == 0


def test_sources_sync_is_idempotent_and_lists_the_watchlist(db: Database) -> None:
    code, out, _ = run(db, "sources", "sync", "--json")
    first = json.loads(out)
    assert code == 0
    assert first["created"]["sources"] == 7 and first["created"]["narratives"] == 9
    assert first["created"]["events"] == 7
    code, out, _ = run(db, "sources", "sync", "--json")
    second = json.loads(out)
    assert second["created"] == {} and second["updated"]["sources"] == 7
    code, out, _ = run(db, "sources", "list", "--json")
    rows = {r["handle"]: r for r in json.loads(out)}
    assert rows["Tura313"]["group"] == "militia_media" and rows["Tura313"]["role"] == "actor"
    assert rows["omartvsd"]["role"] == "observer"
    assert rows["alishamkhani_ir"]["cited_in"] == [
        {"report": "analyst-report-2021-11-08", "footnotes": [6]}]
    with db.connection() as conn:
        names = one(conn.execute(
            "SELECT names FROM narratives WHERE key = 'sedition'").fetchone())["names"]
    assert set(names) == {"en", "ar", "fa"}


def test_sources_add_creates_actor_and_source(db: Database) -> None:
    code, out, _ = run(db, "sources", "add", "twitter", "@HadiAlAmeri", "--actor", "Hadi al-Ameri",
                       "--group", "iraqi_militia", "--role", "actor", "--json")
    assert code == 0 and json.loads(out)["created"] is True
    code, out, _ = run(db, "sources", "add", "twitter", "hadialameri", "--actor", "Hadi al-Ameri",
                       "--group", "iraqi_militia", "--role", "observer", "--json")
    assert json.loads(out)["created"] is False  # same handle, case-insensitively
    code, out, _ = run(db, "sources", "list", "--json")
    (row,) = json.loads(out)
    assert row["handle"] == "HadiAlAmeri" and row["role"] == "observer"
    code, _, err = run(db, "sources", "add", "twitter", "bad handle", "--actor", "X",
                       "--group", "g", "--role", "actor")
    assert code == 2 and "invalid handle" in err


def test_events_add_prints_id_and_list(db: Database) -> None:
    code, out, _ = run(db, "events", "add", "Drone attack", "--at", "2021-11-07T02:30:00+03:00",
                       "--description", "two drones")
    assert code == 0 and out.strip().isdigit()
    new_id = int(out)
    code, _, err = run(db, "events", "add", "Drone attack", "--at", "2021-11-07T02:30:00+03:00")
    assert code == 2 and "already exists" in err
    code, _, err = run(db, "events", "add", "Other", "--at", "2021-11-07 02:30")
    assert code == 2 and "no UTC offset" in err
    code, out, _ = run(db, "events", "list", "--json")
    (event,) = json.loads(out)
    assert event["occurred_at"] == "2021-11-06T23:30:00Z" and event["id"] == new_id
