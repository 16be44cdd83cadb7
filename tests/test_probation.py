"""Probation (issue 16, optional): with discovery_probation_days set, housekeeping collects
the strongest actor-cited candidates as observers for that long; then the analyst keeps or
drops each, in the CLI library and on the console."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from monitor import discovery as discovery_lib
from monitor.daemon.jobs import housekeeping
from monitor.settings import load_config
from storage import discovery, probation
from storage.database import Database
from tests.console_corpus import client_for, csrf_token
from tests.factories import add_source, at, post, write
from tests.secrets_support import empty_secrets_file

NOW = at("2021-11-08 00:00")


def _corpus(db: Database) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    add_source(db, "telegram", "CalibreObscura", "Calibre", "osint_analyst", role="observer")
    write(db, *[post("Tura313", f"f{i}", f"2021-11-07 0{i}:00", "", kind="forward",
                     forwarded_from="newchan") for i in range(6)],
          *[post("Tura313", f"c{i}", f"2021-11-07 0{i}:30", "", kind="forward",
                 forwarded_from="channel:4242") for i in range(6)],
          *[post("CalibreObscura", f"o{i}", f"2021-11-07 0{i}:00", "@obs_only") for i in range(6)],
          post("Tura313", "few", "2021-11-07 09:00", "@rarely_cited"))


def test_probation_off_by_default(db: Database, tmp_path: Path) -> None:
    _corpus(db)
    done = housekeeping(load_config({"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}),
                        db, NOW)
    assert done["probation"] == []


def test_probation_then_keep_or_drop(db: Database, tmp_path: Path) -> None:
    _corpus(db)
    config = load_config({"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
                          "CHORUS_DISCOVERY_PROBATION_DAYS": "3",
                          "CHORUS_DISCOVERY_PROBATION_MIN_REFS": "5"})
    # Only the actor-cited candidate with a username: the observers' pick and the channel
    # known by its id alone wait for the analyst, and so does the rarely cited one.
    assert housekeeping(config, db, NOW)["probation"] == ["telegram/newchan"]
    assert housekeeping(config, db, NOW)["probation"] == []  # once only
    with db.connection() as conn:
        row = conn.execute("SELECT role, active, actor_id, discovered->>'probation_until' AS until "
                           "FROM sources WHERE handle = 'newchan'").fetchone()
        held = probation.on_probation(conn, NOW)
        left = {c["key"] for c in discovery.candidates(conn)}
    assert row == {"role": "observer", "active": True, "actor_id": None,
                   "until": (NOW + timedelta(days=3)).isoformat()}
    assert [(h["handle"], h["due"]) for h in held] == [("newchan", False)]
    assert left == {"channel:4242", "obs_only", "rarely_cited"}
    # What it posted while on probation is shown with it once the time is up.
    write(db, post("newchan", "1", "2021-11-09 00:00", "نص"))
    later = NOW + timedelta(days=4)
    with db.connection() as conn:
        held = probation.on_probation(conn, later)
    assert [(h["handle"], h["due"], h["posts"]) for h in held] == [("newchan", True, 1)]
    client = client_for(db, tmp_path)
    page = client.get("/sources/candidates")
    assert 'id="probation"' in page.text and "newchan" in page.text
    kept = client.post("/sources/candidates/accept", data={
        "csrf_token": csrf_token(client, "/sources/candidates"), "platform": "telegram",
        "key": "newchan", "role": "actor", "actor": "New Channel", "group": "militia_media"})
    assert kept.status_code == 303, kept.text
    with db.connection() as conn:
        row = conn.execute("SELECT s.role, a.group_key FROM sources s JOIN actors a "
                           "ON a.id = s.actor_id WHERE s.handle = 'newchan'").fetchone()
        decided = discovery.decision(conn, "telegram", "newchan")
        assert probation.on_probation(conn, later) == []
    assert row == {"role": "actor", "group_key": "militia_media"}
    assert decided is not None and decided["decision"] == "accepted"


def test_dropping_a_probation_stops_collecting(db: Database, tmp_path: Path) -> None:
    _corpus(db)
    config = load_config({"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
                          "CHORUS_DISCOVERY_PROBATION_DAYS": "3",
                          "CHORUS_DISCOVERY_PROBATION_MIN_REFS": "5"})
    housekeeping(config, db, NOW)
    with db.connection() as conn:
        dropped = discovery_lib.reject(conn, discovery_lib.parse_ref("newchan"), analyst="ana")
        active = conn.execute("SELECT active FROM sources WHERE handle = 'newchan'").fetchone()
    assert dropped["decision"] == "rejected" and active == {"active": False}
    assert housekeeping(config, db, NOW)["probation"] == []
