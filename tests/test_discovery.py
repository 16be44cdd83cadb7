"""Snowball discovery (issue 16): candidates from stored posts, ranked, accepted or rejected."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from monitor import discovery as discovery_lib
from monitor.cli import cli
from monitor.errors import UserError
from storage import discovery
from storage.database import Database
from tests.factories import add_source, post, write


def _corpus(db: Database) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    add_source(db, "telegram", "sabreenS1", "Sabereen News", "militia_media")
    add_source(db, "twitter", "Qais_alkhazali", "Qais al-Khazali", "iraqi_militia")
    add_source(db, "twitter", "CalibreObscura", "Calibre Obscura", "osint_analyst", role="observer")
    write(db,
          # newchan: forwarded by two actors (three posts), linked once.
          post("Tura313", "1", "2021-11-07 01:00", "نص", kind="forward", forwarded_from="newchan"),
          post("Tura313", "2", "2021-11-07 02:00", "نص", kind="forward", forwarded_from="newchan"),
          post("sabreenS1", "3", "2021-11-07 03:00", "x", kind="forward", forwarded_from="NewChan"),
          post("sabreenS1", "4", "2021-11-07 04:00", "انظر https://t.me/newchan/12 و @other_chan"),
          # A channel signing with its own link is no citation; a watched source is no candidate.
          post("Tura313", "5", "2021-11-07 05:00", "t.me/Tura313 @sabreenS1"),
          # Observer-only citations: many, but ranked below the actors' candidate.
          post("CalibreObscura", "10", "2021-11-07 01:00", "@analyst_z thread", platform="twitter"),
          post("CalibreObscura", "11", "2021-11-07 02:00", "@analyst_z again", platform="twitter"),
          post("CalibreObscura", "12", "2021-11-07 03:00", "@analyst_z more", platform="twitter"),
          post("CalibreObscura", "13", "2021-11-07 04:00", "@analyst_z and more", platform="twitter"),
          post("Qais_alkhazali", "20", "2021-11-07 05:00", "RT @amplified: text", platform="twitter",
               kind="retweet", forwarded_from="amplified"),
          )


def test_candidates_counts_and_ranking(db: Database) -> None:
    _corpus(db)
    with db.connection() as conn:
        found = discovery.candidates(conn)
    by_key = {(c["platform"], c["key"]): c for c in found}
    assert set(by_key) == {("telegram", "newchan"), ("telegram", "other_chan"),
                           ("twitter", "analyst_z"), ("twitter", "amplified")}
    newchan = by_key["telegram", "newchan"]
    assert (newchan["posts"], newchan["actors"], newchan["citing_sources"]) == (4, 2, 2)
    assert newchan["kinds"] == ["forward", "link"]
    assert newchan["actor_names"] == ["Sabereen News", "Tura News"]
    assert newchan["platforms"] == ["telegram"]
    assert str(newchan["first_seen"]).startswith("2021-11-07 01:00")
    analyst = by_key["twitter", "analyst_z"]
    assert (analyst["posts"], analyst["actors"]) == (4, 0)
    order = [c["key"] for c in found]
    assert order[0] == "newchan"
    # Cited by four observer posts, still below the actor-cited ones.
    assert order.index("analyst_z") > order.index("amplified")
    assert order[-1] == "analyst_z"
    with db.connection() as conn:
        assert [c["key"] for c in discovery.candidates(conn, min_refs=2)] == ["newchan", "analyst_z"]


def test_accept_creates_a_source_with_provenance(db: Database) -> None:
    _corpus(db)
    with db.connection() as conn:
        source_id = discovery_lib.accept(
            conn, discovery_lib.parse_ref("@NewChan"),
            discovery_lib.Acceptance(handle="", role="actor", actor="New Channel",
                                     group="militia_media"), analyst="ana")
    with db.connection() as conn:
        row = conn.execute("SELECT s.handle, s.role, s.discovered, a.group_key FROM sources s "
                           "JOIN actors a ON a.id = s.actor_id WHERE s.id = %(id)s",
                           {"id": source_id}).fetchone()
        left = [c["key"] for c in discovery.candidates(conn)]
    assert row is not None
    assert (row["handle"], row["role"], row["group_key"]) == ("NewChan", "actor", "militia_media")
    assert row["discovered"]["via"] == "citations"
    assert row["discovered"]["posts"] == 4
    assert row["discovered"]["actor_names"] == ["Sabereen News", "Tura News"]
    assert len(row["discovered"]["evidence_posts"]) == 4
    assert "newchan" not in left


def test_reject_is_remembered(db: Database) -> None:
    _corpus(db)
    with db.connection() as conn:
        discovery_lib.reject(conn, discovery_lib.parse_ref("analyst_z"), note="an analyst")
    # New citations do not bring it back.
    write(db, post("Qais_alkhazali", "30", "2021-11-08 05:00", "@analyst_z", platform="twitter"))
    with db.connection() as conn:
        assert "analyst_z" not in [c["key"] for c in discovery.candidates(conn)]
        assert [d["cited_key"] for d in discovery.decisions(conn, "rejected")] == ["analyst_z"]
        with pytest.raises(UserError, match="already rejected"):
            discovery_lib.reject(conn, discovery_lib.parse_ref("analyst_z"))


def test_forward_by_channel_id_needs_a_handle(db: Database) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    write(db, post("Tura313", "1", "2021-11-07 01:00", "", kind="forward",
                   forwarded_from="channel:1234567"))
    with db.connection() as conn:
        ref = discovery_lib.parse_ref("channel:1234567")
        with pytest.raises(UserError, match="--handle"):
            discovery_lib.accept(conn, ref, discovery_lib.Acceptance(handle="", role="observer"))
    with db.connection() as conn:
        source_id = discovery_lib.accept(
            conn, ref, discovery_lib.Acceptance(handle="hidden_chan", role="observer"))
        platform_id = conn.execute("SELECT platform_id FROM sources WHERE id = %(id)s",
                                   {"id": source_id}).fetchone()
    assert platform_id == {"platform_id": 1234567}


def test_cli_candidates_accept_reject(db: Database) -> None:
    _corpus(db)
    runner = CliRunner()
    env = {"CHORUS_DATABASE_URL": db.url}
    result = runner.invoke(cli, ["sources", "candidates", "--min-refs", "1", "--json"], env=env)
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert listed[0]["key"] == "newchan" and len(listed[0]["evidence"]) == 3
    result = runner.invoke(cli, ["sources", "reject", "t.me/other_chan"], env=env)
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["sources", "accept", "amplified", "--role", "actor"], env=env)
    assert result.exit_code != 0 and "--actor" in result.output
    result = runner.invoke(cli, ["sources", "accept", "nobody_cited"], env=env)
    assert result.exit_code != 0 and "no candidate" in result.output
    assert "Traceback" not in result.output


def test_edits_and_deletions_keep_the_counts_exact(db: Database) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    write(db, post("Tura313", "1", "2021-11-07 01:00", "@chan_a و @chan_b t.me/chan_a"),
          post("Tura313", "2", "2021-11-07 02:00", "@chan_a"))
    write(db, post("Tura313", "1", "2021-11-07 01:00", "@chan_a فقط"))  # an edit
    with db.connection() as conn:
        found = {c["key"]: (c["posts"], c["kinds"]) for c in discovery.candidates(conn)}
        assert found == {"chan_a": (2, ["mention"])}
        conn.execute("DELETE FROM posts WHERE native_id = '2'")
        after = {c["key"]: (c["posts"], str(c["last_seen"])) for c in discovery.candidates(conn)}
    assert after == {"chan_a": (1, "2021-11-07 01:00:00+00:00")}
