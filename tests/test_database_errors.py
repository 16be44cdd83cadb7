"""What a bad database URL looks like to the user: one line, never the password."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from storage.database import Database, DatabaseUrlError

ROOT = Path(__file__).resolve().parent.parent
BAD_URLS = {
    "mysql://x:secretpw@127.0.0.1/db": "mysql://x:***@127.0.0.1/db is not a PostgreSQL URL",
    "garbage secretpw": "is neither a postgresql:// URL nor key=value connection settings",
    "postgresql://x:secretpw@[::1/db": "postgresql://x:***@[::1/db is malformed: end of string",
}


@pytest.mark.parametrize("url", list(BAD_URLS))
def test_a_malformed_url_is_one_line_without_the_password(url: str, tmp_path: Path) -> None:
    env = {**os.environ, "CHORUS_DATABASE_URL": url,
           "CHORUS_SECRETS_FILE": str(tmp_path / "none.toml")}
    env.pop("CHORUS_CONFIG", None)
    shell = subprocess.run([sys.executable, "-m", "monitor.cli", "db", "status"], env=env,
                           cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    posts = tmp_path / "posts.jsonl"
    posts.write_text("{}\n", encoding="utf-8")
    runner = CliRunner().invoke(cli, ["import", "jsonl", str(posts)], env=env)
    for code, out, err in ((shell.returncode, shell.stdout, shell.stderr),
                           (runner.exit_code, runner.stdout, runner.stderr)):
        assert code == 2 and out == ""
        assert err.startswith("error: the database URL (CHORUS_DATABASE_URL)")
        assert BAD_URLS[url] in err and err.count("\n") == 1
        assert "secretpw" not in out + err and "Traceback" not in out + err


def test_a_badly_escaped_password_is_not_quoted_back() -> None:
    with pytest.raises(DatabaseUrlError) as error:
        Database("postgresql://u:pa%zzss@127.0.0.1/db")
    assert "pa%zzss" not in str(error.value) and "invalid percent-encoded" in str(error.value)
