"""`chorus collect --once`: the command line over the real entry point and real clients."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from monitor.cli import cli
from storage.database import Database
from tests.factories import add_source
from tests.secrets_support import empty_secrets_file
from tests.test_x_collect import TOKEN, cassette


def invoke(db: Database, tmp_path: Path, *args: str, **env: str) -> Any:
    environment = {"CHORUS_DATABASE_URL": db.url,
                   "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path), **env}
    return CliRunner().invoke(cli, ["collect", *args], env=environment, catch_exceptions=False)


def test_collect_once_through_tweepy(db: Database, tmp_path: Path) -> None:
    add_source(db, "twitter", "Qais_alkhazali", "Qais al-Khazali", "iraqi_militia")
    with cassette("x_full_fields") as played:
        result = invoke(db, tmp_path, "--platform", "twitter", "--once", "--json",
                        CHORUS_X_BEARER_TOKEN=TOKEN)
    assert result.exit_code == 0, result.output
    assert played.all_played
    [source] = json.loads(result.stdout)
    assert (source["handle"], source["status"], source["inserted"]) == ("Qais_alkhazali", "ok", 4)
    assert TOKEN not in result.output
    again = invoke(db, tmp_path, "--platform", "twitter", "--once")
    assert again.exit_code == 0 and "nothing due" in again.output  # its interval has not passed


def test_collect_without_credentials_says_what_to_do(db: Database, tmp_path: Path) -> None:
    add_source(db, "telegram", "Tura313", "Tura News", "militia_media")
    add_source(db, "twitter", "Qais_alkhazali", "Qais al-Khazali", "iraqi_militia")
    result = invoke(db, tmp_path, "--once", "--json")
    assert result.exit_code == 0 and "Traceback" not in result.output
    by_handle = {r["handle"]: r for r in json.loads(result.stdout)}
    assert by_handle["Tura313"]["status"] == "logged_out"
    assert "chorus telegram login" in by_handle["Tura313"]["error"]
    assert by_handle["Qais_alkhazali"]["status"] == "failed"
    assert "CHORUS_X_BEARER_TOKEN" in by_handle["Qais_alkhazali"]["error"]
    table = invoke(db, tmp_path, "--once", "--source", "Tura313")
    assert "logged_out" in table.output and "telegram/Tura313" in table.output
