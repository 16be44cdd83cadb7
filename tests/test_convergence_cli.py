"""`chorus convergence` end to end through the click CLI on a real database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from storage.database import Database
from tests.convergence_scenarios import seed_report_episode


def run(db: Database, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["convergence", *args],
                                env={"CHORUS_DATABASE_URL": db.url, "COLUMNS": "160"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def episode(db: Database) -> int:
    return seed_report_episode(db)


def test_event_report_json_has_the_design_keys(db: Database, episode: int) -> None:
    code, out, err = run(db, "--event", "Drone attack on PM residence", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["event"] == {"id": episode, "name": "Drone attack on PM residence",
                               "occurred_at": "2021-11-06T23:30:00Z", "description": "",
                               "source": "", "status": "confirmed"}
    first = report["narratives"][0]
    for key in ("narrative", "adopters", "adopters_by_window", "groups_24h", "time_to_k_hours",
                "first_mover", "prepositioned", "coordinated_copies", "shared_phrases", "score"):
        assert key in first
    assert first["narrative"] == "false_flag"
    assert set(first["adopters"][0]) >= {"actor", "group", "first_post_at", "lag_hours",
                                         "platform", "url"}
    assert set(first["adopters_by_window"]) == {"1h", "6h", "24h", "72h"}
    assert all(p["edited_after_event"] in (True, False) for p in first["prepositioned"])
    assert {"hours_before", "edited_after_event"} <= set(first["prepositioned"][0])


def test_options_override_settings(db: Database, episode: int) -> None:
    code, out, _ = run(db, "--event", str(episode), "--narrative", "false_flag", "--k", "5",
                       "--post-hours", "6", "--pre-days", "1", "--json")
    (ff,) = json.loads(out)["narratives"]
    assert code == 0
    assert ff["time_to_k_hours"] is None  # four adopters within 6 h, k = 5
    assert ff["adopters_by_window"] == {"1h": 1, "6h": 4, "24h": 4, "72h": 4}
    assert [p["actor"] for p in ff["prepositioned"]] == ["Sabereen News"]


def test_readable_table(db: Database, episode: int) -> None:
    code, out, _ = run(db, "--event", str(episode))
    assert code == 0
    assert "Drone attack on PM residence" in out and "false_flag" in out
    summary = next(line for line in out.splitlines() if "false_flag" in line)
    assert "1/4/5/5" in summary and "Tura News" in summary and "2 (1 edited)" in summary
    assert "0.605" in summary
    assert "Qais al-Khazali" in out and "Kata'ib Hezbollah" in out


def test_period_report(db: Database, episode: int) -> None:
    code, out, _ = run(db, "--since", "2021-11-07", "--until", "2021-11-07", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["period"] == {"since": "2021-11-07T00:00:00Z",
                                "until": "2021-11-08T00:00:00Z"}
    ff = next(n for n in report["narratives"] if n["narrative"] == "false_flag")
    assert [d["day"] for d in ff["daily"]] == ["2021-11-07"]


@pytest.mark.parametrize(("args", "message"), [
    ((), "give --event"),
    (("--event", "no such event"), "no event with id or name"),
    (("--event", "1", "--since", "2021-11-01"), "not both"),
    (("--since", "2021-11-06T10:00", "--until", "2021-11-07"), "no UTC offset"),
    (("--since", "yesterday", "--until", "2021-11-07"), "cannot read"),
    (("--event", "1", "--narrative", "nope"), "unknown narrative nope"),
    (("candidates", "--confirm", "999"), "no event with id 999"),
])
def test_bad_input_is_one_clear_line(db: Database, episode: int, args: tuple[str, ...],
                                     message: str) -> None:
    code, out, err = run(db, *args)
    assert code == 2 and message in err and "Traceback" not in err + out


def test_subcommands(db: Database, episode: int) -> None:
    code, out, _ = run(db, "refresh", "--json")
    assert code == 0 and json.loads(out)["days_refreshed"] > 0
    assert json.loads(run(db, "refresh", "--json")[1]) == {"days_refreshed": 0}
    code, out, _ = run(db, "series", "--since", "2021-11-06", "--until", "2021-11-07",
                       "--narrative", "false_flag", "--json")
    rows = json.loads(out)
    assert code == 0 and [(r["day"], r["actors"]) for r in rows] == [
        ("2021-11-06", 1), ("2021-11-07", 5)]  # Sabereen's pre-positioned post: 13:30 on 6th
    code, out, _ = run(db, "leadlag", "--since", "2021-11-01", "--until", "2021-11-10",
                       "--narrative", "false_flag", "--json")
    assert code == 0 and json.loads(out)[0]["actor"] == "Tura News"
    code, out, _ = run(db, "candidates", "--since", "2021-11-01", "--until", "2021-11-10",
                       "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(db, "refresh", "--full", "--json")
    assert code == 0 and json.loads(out)["narrative_posts"] > 0
