from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.logs import SecretRedactingFilter
from monitor.settings import ConfigError, load_config, read_secrets_file, write_secret
from storage.database import DatabaseUnavailable, mask_url
from tests.secrets_support import empty_secrets_file

TOKEN = "AAAAbearer-token-value-1234567890"


def _secrets(tmp_path: Path, body: str, mode: int = 0o600) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text(body, encoding="utf-8")
    os.chmod(path, mode)
    return path


def test_settings_come_from_toml_then_environment(tmp_path: Path) -> None:
    cfg = tmp_path / "chorus.toml"
    cfg.write_text('digest_time = "06:30"\nflood_wait_threshold_s = 30\n', encoding="utf-8")
    config = load_config({"CHORUS_CONFIG": str(cfg), "CHORUS_FLOOD_WAIT_THRESHOLD_S": "90",
                          "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})
    assert config.digest_time == "06:30"
    assert config.flood_wait_threshold_s == 90  # environment wins, coerced to int


def test_config_file_with_secrets_or_unknown_keys_is_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "chorus.toml"
    cfg.write_text(f'x_bearer_token = "{TOKEN}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="holds secrets") as err:
        load_config({"CHORUS_CONFIG": str(cfg), "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})
    assert TOKEN not in str(err.value)
    cfg.write_text('colour = "blue"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_config({"CHORUS_CONFIG": str(cfg), "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)})


def test_secrets_file_must_be_0600(tmp_path: Path) -> None:
    path = _secrets(tmp_path, f'x_bearer_token = "{TOKEN}"\n', mode=0o644)
    with pytest.raises(ConfigError, match="must be 0600") as err:
        read_secrets_file(path)
    assert TOKEN not in str(err.value)
    os.chmod(path, 0o600)
    assert read_secrets_file(path) == {"x_bearer_token": TOKEN}


def test_broken_secrets_file_never_echoes_its_content(tmp_path: Path) -> None:
    path = _secrets(tmp_path, f'x_bearer_token = "{TOKEN}\n')
    with pytest.raises(ConfigError) as err:
        read_secrets_file(path)
    assert TOKEN not in str(err.value)


def test_write_secret_creates_a_0600_file(tmp_path: Path) -> None:
    path = write_secret("telegram_session", "1BVtsOK", tmp_path / "d" / "secrets.toml")
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_secrets_file(path) == {"telegram_session": "1BVtsOK"}


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    path = _secrets(tmp_path, f'x_bearer_token = "{TOKEN}"\n')
    env = {"CHORUS_SECRETS_FILE": str(path), "CHORUS_SMTP_PASSWORD": "hunter2hunter2",
           "CHORUS_DATABASE_URL": "postgresql://u:dbpass99@db.example:5432/chorus"}
    result = CliRunner().invoke(cli, ["config", "show", "--json"], env=env)
    assert result.exit_code == 0, result.output
    for secret in (TOKEN, "hunter2hunter2", "dbpass99"):
        assert secret not in result.output
    assert '"x_bearer_token": "********"' in result.output
    assert "u:***@db.example" in result.output
    table = CliRunner().invoke(cli, ["config", "show"], env=env)
    assert TOKEN not in table.output and "smtp_password" in table.output


def test_secrets_never_reach_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    redactor = SecretRedactingFilter([TOKEN, "hunter2hunter2"])
    logger = logging.getLogger("chorus.test")
    logger.addFilter(redactor)
    with caplog.at_level(logging.INFO, logger="chorus.test"):
        logger.info("token is %s", TOKEN)
        logger.warning("connecting to postgresql://u:dbpass99@h/db with hunter2hunter2")
        try:
            raise RuntimeError(f"auth failed for {TOKEN}")
        except RuntimeError:
            logger.exception("boom")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert TOKEN not in text and "hunter2hunter2" not in text and "dbpass99" not in text
    assert "********" in text


def test_cli_installs_the_redactor(tmp_path: Path) -> None:
    env = {"CHORUS_X_BEARER_TOKEN": TOKEN, "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}
    result = CliRunner().invoke(cli, ["-v", "config", "show"], env=env)
    root = logging.getLogger()
    filters = [f for h in root.handlers for f in h.filters if isinstance(f, SecretRedactingFilter)]
    assert result.exit_code == 0 and filters
    assert filters[0].redact(f"x {TOKEN} y") == "x ******** y"


def test_unreachable_database_is_one_clear_line(tmp_path: Path) -> None:
    env = {"CHORUS_DATABASE_URL": "postgresql://chorus:s3cretpw@127.0.0.1:1/chorus",
           "CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path)}
    result = CliRunner().invoke(cli, ["db", "status"], env=env)
    assert result.exit_code == 2
    assert "cannot connect to PostgreSQL at postgresql://chorus:***@127.0.0.1:1/chorus" in result.stderr
    assert "CHORUS_DATABASE_URL" in result.stderr
    assert "s3cretpw" not in result.output and "Traceback" not in result.output


def test_mask_url_forms() -> None:
    assert mask_url("postgresql://a:b@h/d") == "postgresql://a:***@h/d"
    assert mask_url("host=h password=xyz dbname=d") == "host=h password=*** dbname=d"
    assert mask_url("postgresql://a@h/d") == "postgresql://a@h/d"
    assert "pw" not in str(DatabaseUnavailable("postgresql://a:pw@h/d", "password=pw failed"))


def test_where_chorus_keeps_its_data_is_a_setting_config_show_lists(tmp_path: Path) -> None:
    """data_dir, embedded_dir and cache_dir are settings with help text, not hidden variables."""
    from monitor.settings import embedded_data_dir

    env = {"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
           "CHORUS_DATA_DIR": str(tmp_path / "data")}
    assert embedded_data_dir(load_config(env)) == tmp_path / "data" / "pgdata"
    env["CHORUS_EMBEDDED_DIR"] = str(tmp_path / "elsewhere")
    assert embedded_data_dir(load_config(env)) == tmp_path / "elsewhere"
    shown = CliRunner().invoke(cli, ["config", "show", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    for name in ("data_dir", "embedded_dir", "cache_dir", "x_recheck_interval_hours"):
        assert f'"{name}"' in shown.output, name
    help_table = CliRunner().invoke(cli, ["config", "show"], env=env)
    assert "embedded PostgreSQL" in help_table.output


def test_every_setting_is_an_attribute_of_its_declared_type(tmp_path: Path) -> None:
    """config.<name> is typed by the setting's default (mypy checks its uses, no casts)."""
    from typing import get_type_hints

    from monitor.settings import SETTINGS, Config

    hints = get_type_hints(Config)
    config = load_config({"CHORUS_SECRETS_FILE": empty_secrets_file(tmp_path),
                          "CHORUS_TORCH_THREADS": "4", "CHORUS_LEADER_RETRY_S": "2"})
    for s in SETTINGS:
        assert hints[s.name] is type(s.default), s.name
        assert type(getattr(config, s.name)) is type(s.default), s.name
    assert (config.torch_threads, config.leader_retry_s) == (4, 2.0)
    overridden = config.with_overrides(leader_retry_s=3)
    assert type(overridden.leader_retry_s) is float and overridden.torch_threads == 4
    with pytest.raises(ConfigError, match="unknown settings: colour"):
        config.with_overrides(colour="blue")


def test_a_secrets_file_named_but_missing_is_an_error_not_an_empty_file(tmp_path: Path) -> None:
    """A typo in CHORUS_SECRETS_FILE must not run Chorus silently without credentials."""
    missing = tmp_path / "secrest.toml"
    result = CliRunner().invoke(cli, ["config", "show"], env={"CHORUS_SECRETS_FILE": str(missing)})
    assert result.exit_code != 0
    assert f"secrets file {missing} (CHORUS_SECRETS_FILE) does not exist" in result.output
    assert "Traceback" not in result.output
    # Only the default path may be absent: a fresh install has no secrets yet.
    assert read_secrets_file(tmp_path / "default.toml") == {}
    # Writing a secret to a named file that does not exist yet creates it (chorus secrets set).
    assert read_secrets_file(write_secret("x_bearer_token", TOKEN, missing), required=True) == {
        "x_bearer_token": TOKEN}
