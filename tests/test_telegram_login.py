"""`chorus telegram login`: the StringSession goes to the 0600 secrets file and nowhere else.

Telegram's MTProto login cannot be recorded; a fake client at the TelegramClient boundary
plays Telethon's part (it asks for the phone, the code and the password through the same
callbacks `TelegramClient.start` takes)."""

from __future__ import annotations

import logging
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from telethon import errors

import monitor.commands.telegram as telegram_command
from monitor.cli import cli

SESSION = "1BVtsOKABu" + "x" * 300 + "secret-session-end"
PASSWORD = "two-step-pass-123"
API_HASH = "0123456789abcdef0123456789abcdef"


class FakeSession:
    def save(self) -> str:
        return SESSION


class FakeMe:
    username = "analyst_account"


class FakeLoginClient:
    """Calls the prompts the way TelegramClient.start does."""

    def __init__(self, api_id: str, api_hash: str, *, fail: BaseException | None = None) -> None:
        self.api = (api_id, api_hash)
        self.session = FakeSession()
        self.answers: dict[str, str] = {}
        self.fail = fail
        self.disconnected = False

    async def start(self, *, phone: Any, code_callback: Any, password: Any) -> None:
        self.answers["phone"] = phone()
        self.answers["code"] = code_callback()
        if self.fail is not None:
            raise self.fail
        self.answers["password"] = password()

    async def get_me(self) -> FakeMe:
        return FakeMe()

    async def disconnect(self) -> None:
        self.disconnected = True


def run_login(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, stdin: str,
              fail: BaseException | None = None) -> tuple[Any, list[FakeLoginClient], Path]:
    made: list[FakeLoginClient] = []

    def factory(api_id: str, api_hash: str) -> FakeLoginClient:
        made.append(FakeLoginClient(api_id, api_hash, fail=fail))
        return made[-1]

    monkeypatch.setattr(telegram_command, "make_login_client", factory)
    secrets = tmp_path / "config" / "secrets.toml"
    result = CliRunner().invoke(cli, ["telegram", "login"], input=stdin,
                                env={"CHORUS_SECRETS_FILE": str(secrets)},
                                catch_exceptions=False)
    return result, made, secrets


def test_login_stores_the_session_0600_and_never_shows_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stdin = f"12345\n{API_HASH}\n+9647701234567\n55555\n{PASSWORD}\n"
    result, made, secrets = run_login(monkeypatch, tmp_path, stdin)
    assert result.exit_code == 0, result.output
    assert made[0].api == ("12345", API_HASH)
    assert made[0].answers == {"phone": "+9647701234567", "code": "55555",
                               "password": PASSWORD}
    assert made[0].disconnected
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    stored = tomllib.loads(secrets.read_text())
    assert stored == {"telegram_session": SESSION, "telegram_api_id": "12345",
                      "telegram_api_hash": API_HASH}
    assert "logged in as analyst_account" in result.output
    for secret in (SESSION, "secret-session-end", PASSWORD, API_HASH):
        assert secret not in result.output and secret not in caplog.text


def test_refused_login_is_one_clear_line_and_stores_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stdin = f"12345\n{API_HASH}\n+9647701234567\n00000\n"
    result, _, secrets = run_login(monkeypatch, tmp_path, stdin,
                                   fail=errors.PhoneCodeInvalidError(request=None))
    assert result.exit_code == 2
    assert "Telegram refused the login: PhoneCodeInvalidError" in result.output
    assert "Traceback" not in result.output and not secrets.exists()


def test_non_numeric_api_id_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, made, _ = run_login(monkeypatch, tmp_path, f"abc\n{API_HASH}\n")
    assert result.exit_code == 2 and "API id is a number" in result.output and made == []
